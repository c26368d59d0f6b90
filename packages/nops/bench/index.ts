/**
 * `npm run bench`: the cost of @reqsign/nops against the raw primitive, measured in the same run.
 *
 * Budgets (2048-bit keys, node build): sign <= 1.05x `crypto.sign('sha256', msg, keyObject)`, verify <= 1.1x
 * `crypto.verify`. Rounds of raw, ours, ours, raw batches, timed in CPU time (see `batch`); the ratio is that of
 * each side's fastest batch, since load from other processes only ever adds time (the median of the per-round
 * ratios is printed beside it). The `A/A` rows time the raw primitive against itself: their distance
 * from 1.000 is the noise of this run. Also reported: 1024-bit keys and the WebCrypto build.
 * Exits 1 when a budget is missed.
 */
import { createPrivateKey, createPublicKey, sign as rawSign, verify as rawVerify, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as nodeBuild from '../dist/node.js';
import * as webBuild from '../dist/index.js';

const pem = (name: string): string => readFileSync(new URL(`../test/fixtures/keys/${name}.pem`, import.meta.url), 'utf8');
const API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
const URL_ = '/nops_api/v1/billingGetTotal/';
const OPTIONS = { apiKey: API_KEY, date: '2022-01-10' } as const;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 31);

/**
 * Microseconds per call, in CPU time of this process rather than wall time: on a shared machine the scheduler
 * preempts us at random, which inflates wall-clock batches by whole time slices but not the CPU time they use.
 */
async function batch(n: number, fn: () => unknown): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / n;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

interface Row {
  readonly name: string;
  /** Fastest batch of each side, us per call. */
  readonly raw: number;
  readonly ours: number;
  /** ours / raw of the fastest batches: the budget is judged on this. */
  readonly ratio: number;
  /** The median of the per-round ratios, for comparison. */
  readonly medianRatio: number;
  readonly budget?: number;
}

async function compare(name: string, n: number, raw: () => unknown, ours: () => unknown, budget?: number): Promise<Row> {
  await batch(Math.max(10, n >> 2), raw);
  await batch(Math.max(10, n >> 2), ours);
  const raws: number[] = [];
  const ourss: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // raw, ours, ours, raw: a linear drift in machine load within the round cancels out of the ratio.
    const r1 = await batch(n, raw);
    const o1 = await batch(n, ours);
    const o2 = await batch(n, ours);
    const r2 = await batch(n, raw);
    raws.push(r1, r2);
    ourss.push(o1, o2);
    ratios.push((o1 + o2) / (r1 + r2));
  }
  const raw_ = Math.min(...raws);
  const ours_ = Math.min(...ourss);
  return { name, raw: raw_, ours: ours_, ratio: ours_ / raw_, medianRatio: median(ratios), ...(budget === undefined ? {} : { budget }) };
}

const rows: Row[] = [];
for (const bits of [2048, 1024] as const) {
  const privatePem = pem(`rsa${bits}`);
  const publicPem = pem(`rsa${bits}.pub`);
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(publicPem);
  const signed = await nodeBuild.sign(URL_, { ...OPTIONS, privateKey: privatePem });
  const msg = Buffer.from(signed.message);
  const sig = Buffer.from(signed.signature, 'base64');
  // Batch sizes prime to 32: OpenSSL renews an RSA key's blinding every 32 private-key operations, which would
  // otherwise land in the same batch of every round and skew the ratio.
  const signN = bits === 2048 ? 31 : 95;
  const verifyN = bits === 2048 ? 499 : 997;
  const budget = bits === 2048;

  if (budget) {
    rows.push(
      await compare(
        `A/A sign ${bits}`,
        signN,
        () => rawSign('sha256', msg, privateKey),
        () => rawSign('sha256', msg, privateKey),
      ),
    );
    rows.push(
      await compare(
        `A/A verify ${bits}`,
        verifyN,
        () => rawVerify('sha256', msg, publicKey, sig),
        () => rawVerify('sha256', msg, publicKey, sig),
      ),
    );
  }
  rows.push(
    await compare(
      `sign ${bits} node`,
      signN,
      () => rawSign('sha256', msg, privateKey),
      () => nodeBuild.sign(URL_, { ...OPTIONS, privateKey: privatePem }),
      budget ? 1.05 : undefined,
    ),
  );
  if (budget) {
    // The other public forms: an absolute URL to sign, a request's parts to verify (the message rebuilt from them).
    rows.push(
      await compare(
        `sign ${bits} node, absolute URL`,
        signN,
        () => rawSign('sha256', msg, privateKey),
        () => nodeBuild.sign(`https://app.nops.io${URL_}`, { ...OPTIONS, privateKey: privatePem }),
        1.05,
      ),
    );
  }
  rows.push(
    await compare(
      `verify ${bits} node`,
      verifyN,
      () => rawVerify('sha256', msg, publicKey, sig),
      () => nodeBuild.verify({ message: signed.message }, signed.signature, publicPem),
      budget ? 1.1 : undefined,
    ),
  );
  if (budget) {
    const parts = { url: signed.url, apiKey: API_KEY, date: OPTIONS.date };
    rows.push(
      await compare(
        `verify ${bits} node, request parts`,
        verifyN,
        () => rawVerify('sha256', msg, publicKey, sig),
        () => nodeBuild.verify(parts, signed.signature, publicPem),
        1.1,
      ),
    );
  }

  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const wcPrivate = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), alg, false, ['sign']);
  const wcPublic = await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), alg, false, ['verify']);
  rows.push(
    await compare(
      `sign ${bits} WebCrypto`,
      signN,
      () => webcrypto.subtle.sign(alg, wcPrivate, msg),
      () => webBuild.sign(URL_, { ...OPTIONS, privateKey: privatePem }),
    ),
  );
  rows.push(
    await compare(
      `verify ${bits} WebCrypto`,
      verifyN >> 1,
      () => webcrypto.subtle.verify(alg, wcPublic, sig, msg),
      () => webBuild.verify({ message: signed.message }, signed.signature, publicPem),
    ),
  );
}

const pad = (s: string, n: number): string => s.padEnd(n);
console.log(`node ${process.version}, ${ROUNDS} rounds of raw/ours/ours/raw batches, CPU time per call of the fastest batch`);
console.log('raw = crypto.sign / crypto.verify with a KeyObject (WebCrypto rows: crypto.subtle with an imported CryptoKey)');
console.log(`${pad('operation', 34)}${pad('raw us', 10)}${pad('ours us', 10)}${pad('ratio', 8)}${pad('median', 8)}budget`);
let failed = false;
for (const r of rows) {
  const verdict = r.budget === undefined ? '' : r.ratio <= r.budget ? `<= ${r.budget}  ok` : `<= ${r.budget}  MISSED`;
  if (r.budget !== undefined && r.ratio > r.budget) failed = true;
  console.log(
    `${pad(r.name, 34)}${pad(r.raw.toFixed(1), 10)}${pad(r.ours.toFixed(1), 10)}${pad(r.ratio.toFixed(3), 8)}${pad(r.medianRatio.toFixed(3), 8)}${verdict}`,
  );
}
if (failed) process.exitCode = 1;
