/**
 * The cost of `diagnose` against `verify` on the same input, in the same run: the README's bound is that any input up
 * to `maxUrlLength` costs at most 50 times verifying it. Each round times a batch of failing verifications and a batch
 * of diagnoses of the same request back to back (CPU time of this process, alternating which goes first); the row
 * shows the median of the per-round ratios. Inputs: the issue's hostile one (16 KiB, a known key id, six query
 * parameters of its own), a short ordinary one, and 16 KiB built to make each target change apply (thousands of
 * segments; escapes, `+` and non-ASCII everywhere), each with a wrong signature, so that every hypothesis is tried.
 *
 *   npm run bench -w @reqsign/nog        (runs bench/nog.bench.ts, then this)
 */
import { diagnose } from '../src/diagnose/node.js';
import * as node from '../src/node.js';

const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const NEAR = { id: '0123456789abcdef0124', secret: 'a-neighbouring-key-secret-000000000000000' };
const ROUNDS = 15;
const BOUND = 50;
const now = Date.now();
const options = {
  keys: { [KEY.id]: KEY.secret, [NEAR.id]: NEAR.secret },
  now: () => now,
  prefixes: ['/api'],
  origins: ['https://nog.example'],
};
const verifier = node.createVerifier({ keys: options.keys, now: options.now });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
const flat = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');
const broken = (url: string): string => flat(url.slice(0, -1) + (url.endsWith('0') ? '1' : '0'));

async function batch(n: number, op: () => unknown): Promise<number> {
  const t = cpu();
  for (let i = 0; i < n; i++) await op();
  return (cpu() - t) / n;
}

const inputs: Array<[string, string]> = [];
const fill = (n: number): string => 'x'.repeat(n);
const six = `/api/files/${fill(2000)}?a=${fill(2400)}&b=${fill(2400)}&c=${fill(2400)}&d=${fill(2400)}&e=${fill(2400)}&f=${fill(1700)}`;
inputs.push(['16 KiB, six own params, known key id', broken(node.signSync('GET', six, KEY, { date: now }).url)]);
inputs.push(['short ordinary URL', broken(node.signSync('GET', '/api/files/a?x=1&y=2', KEY, { date: now }).url)]);
inputs.push(['16 KiB of path segments', broken(node.signSync('GET', `/${'a/'.repeat(8000)}`, KEY, { date: now }).url)]);
const mixed = `/p%2f~${'%7e+é/'.repeat(1400)}?q=${'a+b%20c&'.repeat(500)}z=1`;
inputs.push(['16 KiB, escapes, + and non-ASCII', broken(node.signSync('GET', mixed, KEY, { date: now }).url)]);

let over = 0;
console.log(`\n@reqsign/nog diagnose on Node ${process.version}: diagnose / verify on the same failing request (bound ${BOUND}x)`);
for (const [name, url] of inputs) {
  if ((await verifier.verify('GET', url)).ok) throw new Error(`bench setup: ${name} verifies`);
  const d = await diagnose('GET', url, options);
  if (d.findings.length !== 0) throw new Error(`bench setup: ${name} has findings`);
  const n = url.length > 1000 ? 20 : 200;
  for (let w = 0; w < 3; w++) {
    await batch(n * 10, () => verifier.verify('GET', url));
    await batch(n, () => diagnose('GET', url, options));
  }
  const ratios: number[] = [];
  const vs: number[] = [];
  const ds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let v: number;
    let dd: number;
    if (r % 2 === 0) {
      v = await batch(n * 10, () => verifier.verify('GET', url));
      dd = await batch(n, () => diagnose('GET', url, options));
    } else {
      dd = await batch(n, () => diagnose('GET', url, options));
      v = await batch(n * 10, () => verifier.verify('GET', url));
    }
    vs.push(v);
    ds.push(dd);
    ratios.push(dd / v);
  }
  const ratio = median(ratios);
  const verdict = ratio <= BOUND ? 'ok' : 'OVER';
  if (verdict === 'OVER') over++;
  console.log(
    `${`diagnose, ${name}`.padEnd(50)}${`${(median(ds) / 1000).toFixed(0)} us`.padEnd(12)}verify ${`${(median(vs) / 1000).toFixed(1)} us`.padEnd(12)}${`${ratio.toFixed(1)}x`.padEnd(9)}${d.unexplained?.hmacs} HMACs  ${verdict}`,
  );
}
if (over > 0) {
  console.log(`${over} over budget`);
  process.exitCode = 1;
}
