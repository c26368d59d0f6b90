/**
 * The cost of `diagnose` against `verify` on the same failing request, in the same run: the README's bound is that
 * any input up to `maxUrlLength` costs at most 50 times verifying it (RSA verification with a bigger key costs more;
 * the bound is relative to verifying that same input). Each round times a batch of verifications and a batch of
 * diagnoses back to back (CPU time, alternating which goes first); the row shows the median ratio. Inputs: the issue's
 * (a 16,384-bit key), 1024- and 2048-bit keys, a short URL and 16 KiB ones, each with a signature over another
 * message (so that every hypothesis is tried), and one in hex.
 *
 *   npm run bench -w @reqsign/nops     (runs bench/index.ts, then this)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { diagnose } from '../dist/diagnose/node.js';
import { verify } from '../dist/node.js';

const key = (name: string): string => new URL(`../test/fixtures/keys/${name}.pem`, import.meta.url).pathname;
const pem = (name: string): string => readFileSync(key(name), 'utf8');
const API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
const ROUNDS = 9;
const BOUND = 50;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
async function batch(n: number, op: () => Promise<unknown>): Promise<number> {
  const t = cpu();
  for (let i = 0; i < n; i++) await op();
  return (cpu() - t) / n;
}

const long = `https://app.nops.io/nops_api/v1/${'x/'.repeat(3050)}?${'a=1&'.repeat(500)}api_key=${API_KEY}`;
const short = `https://app.nops.io/nops_api/v1/billingGetTotal/?api_key=${API_KEY}`;
const rows: Array<[string, string, string, 'base64' | 'hex']> = [
  ['16,384-bit key, 8 KiB URL', 'rsa16384', long, 'base64'],
  ['16,384-bit key, 8 KiB URL, hex', 'rsa16384', long, 'hex'],
  ['2048-bit key, short URL', 'rsa2048', short, 'base64'],
  ['1024-bit key, short URL', 'rsa1024', short, 'base64'],
  ['1024-bit key, 8 KiB URL', 'rsa1024', long, 'base64'],
];
let over = 0;
console.log(`\n@reqsign/nops diagnose on Node ${process.version}: diagnose / verify on the same failing request (bound ${BOUND}x)`);
for (const [name, k, url, encoding] of rows) {
  const message = `123.2022-01-10.${url.slice('https://app.nops.io'.length)}x`;
  const raw = execFileSync('openssl', ['dgst', '-sha256', '-sign', key(k)], { input: message });
  const signature = raw.toString(encoding);
  const request = { url, apiKey: API_KEY, date: '2022-01-10' };
  const publicKey = pem(`${k}.pub`);
  if ((await verify(request, signature, publicKey)).ok) throw new Error('bench setup: verifies');
  const d = await diagnose(request, signature, publicKey);
  if (d.findings.length !== 0) throw new Error('bench setup: a finding');
  const big = k === 'rsa16384';
  const n = big ? 4 : url.length > 1000 ? 20 : 100;
  for (let w = 0; w < 2; w++) {
    await batch(n * 4, () => verify(request, signature, publicKey));
    await batch(n, () => diagnose(request, signature, publicKey));
  }
  const ratios: number[] = [];
  const vs: number[] = [];
  const ds: number[] = [];
  for (let r = 0; r < (big ? 5 : ROUNDS); r++) {
    let v: number;
    let dd: number;
    if (r % 2 === 0) {
      v = await batch(n * 4, () => verify(request, signature, publicKey));
      dd = await batch(n, () => diagnose(request, signature, publicKey));
    } else {
      dd = await batch(n, () => diagnose(request, signature, publicKey));
      v = await batch(n * 4, () => verify(request, signature, publicKey));
    }
    vs.push(v);
    ds.push(dd);
    ratios.push(dd / v);
  }
  const ratio = median(ratios);
  const verdict = ratio <= BOUND ? 'ok' : 'OVER';
  if (verdict === 'OVER') over++;
  console.log(
    `${`diagnose, ${name}`.padEnd(44)}${`${(median(ds) / 1000).toFixed(0)} us`.padEnd(12)}verify ${`${(median(vs) / 1000).toFixed(0)} us`.padEnd(12)}${`${ratio.toFixed(1)}x`.padEnd(9)}${d.unexplained?.digests} digests  ${verdict}`,
  );
}
if (over > 0) {
  console.log(`${over} over budget`);
  process.exitCode = 1;
}
