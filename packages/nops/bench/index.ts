/**
 * `npm run bench`: the cost of @reqsign/nops against the raw primitive, measured in the same run.
 *
 * Budgets (2048-bit keys, node build): sign <= 1.05x `crypto.sign('sha256', msg, keyObject)`, verify <= 1.1x
 * `crypto.verify`, for every public form (a path or an absolute URL to sign; a message or a request's parts to
 * verify). How: 300 rounds, each over every row, of raw, ours, ours, raw batches of about a millisecond each,
 * timed on the wall clock. A batch is either clean or inflated by something outside it (the scheduler, another
 * process), never faster than its work, so each side's cost is its fastest batch; short batches make a clean one
 * likely, which cuts the noise to a few tenths of a percent (the `A/A` rows time the raw primitive against itself:
 * their distance from 1.000 is the noise of this run). What a fastest batch leaves out is the garbage collection
 * the calls cause, paid later: each side's young-generation GC pauses (perf_hooks `gc` entries) per call, timed in
 * a long run of that side alone, are added back. The median of the per-round ratios, which carries the noise, is
 * printed beside. Also reported: 1024-bit keys and the WebCrypto build. About a minute.
 * Exits 1 when a budget is missed.
 */
import { createPrivateKey, createPublicKey, sign as rawSign, verify as rawVerify, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import * as nodeBuild from '../dist/node.js';
import * as webBuild from '../dist/index.js';
import { stamp } from '../../../scripts/lib/bench-docs.mjs';
import { BUDGETS, writeReadme } from './docs.mjs';

const pem = (name: string): string => readFileSync(new URL(`../test/fixtures/keys/${name}.pem`, import.meta.url), 'utf8');
const API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
const URL_ = '/nops_api/v1/billingGetTotal/';
const OPTIONS = { apiKey: API_KEY, date: '2022-01-10' } as const;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 300);

/**
 * Every young-generation collection (scavenge) of the run, to add back to the side whose run it fell in. A call
 * keeps nothing, so its garbage dies young: old-generation collections come from the benchmark's own bookkeeping.
 */
const pauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) pauses.push({ start: e.startTime, duration: e.duration });
  }
}).observe({ entryTypes: ['gc'] });

interface Batch {
  /** Microseconds per call. */
  readonly us: number;
  readonly n: number;
  readonly start: number;
  readonly end: number;
}

async function batch(n: number, fn: () => unknown): Promise<Batch> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const end = performance.now();
  return { us: ((end - start) * 1000) / n, n, start, end };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

/** Microseconds of GC pause per call in a batch (pauses are delivered after the fact: await one turn). */
function gcPerCall(b: Batch): number {
  let us = 0;
  for (const p of pauses) if (p.start >= b.start && p.start < b.end) us += p.duration * 1000;
  return us / b.n;
}

interface Row {
  readonly name: string;
  /** Fastest batch plus GC per call of each side, us per call. */
  readonly raw: number;
  readonly ours: number;
  /** GC pause per call of each side (included in raw and ours). */
  readonly rawGc: number;
  readonly gc: number;
  /** ours / raw: the budget is judged on this. */
  readonly ratio: number;
  /** The median of the per-round ratios, for comparison. */
  readonly medianRatio: number;
  readonly budget?: number;
}

interface Spec {
  readonly name: string;
  readonly n: number;
  readonly raw: () => unknown;
  readonly ours: () => unknown;
  readonly budget: number | undefined;
}
const specs: Spec[] = [];

/** A row to measure: `ours` against `raw`, `n` calls a batch. */
function compare(name: string, n: number, raw: () => unknown, ours: () => unknown, budget?: number): void {
  specs.push({ name, n, raw, ours, budget });
}

/**
 * Measures every row: each round goes over all rows (raw, ours, ours, raw for each), so that a slow spell of the
 * machine, which can last seconds, falls on a few rounds of every row rather than on every round of one.
 */
async function measureAll(): Promise<Row[]> {
  for (const s of specs) {
    await batch(s.n * 20, s.raw);
    await batch(s.n * 20, s.ours);
  }
  const raws = specs.map((): Batch[] => []);
  const ourss = specs.map((): Batch[] => []);
  const ratios = specs.map((): number[] => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, s] of specs.entries()) {
      // raw, ours, ours, raw: a linear drift in machine load within the round cancels out of the ratio.
      const r1 = await batch(s.n, s.raw);
      const o1 = await batch(s.n, s.ours);
      const o2 = await batch(s.n, s.ours);
      const r2 = await batch(s.n, s.raw);
      raws[i]!.push(r1, r2);
      ourss[i]!.push(o1, o2);
      ratios[i]!.push((o1.us + o2.us) / (r1.us + r2.us));
    }
  }
  const rows: Row[] = [];
  for (const [i, s] of specs.entries()) {
    const rawMin = Math.min(...raws[i]!.map((b) => b.us));
    // GC per call, each side in a long run of its own: in the rounds a collection that one side's garbage made due
    // may fall in the other side's batch, and its cost depends on both (each dead crypto job is a handle to
    // finalize). About a second each, for many collections: one more or less in a short run would move the figure.
    const solo = Math.ceil(1e6 / rawMin);
    pauses.length = 0;
    const soloRaw = await batch(solo, s.raw);
    const soloOurs = await batch(solo, s.ours);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const rawGc = gcPerCall(soloRaw);
    const gc = gcPerCall(soloOurs);
    const raw = rawMin + rawGc;
    const ours = Math.min(...ourss[i]!.map((b) => b.us)) + gc;
    rows.push({
      name: s.name,
      raw,
      ours,
      rawGc,
      gc,
      ratio: ours / raw,
      medianRatio: median(ratios[i]!),
      ...(s.budget === undefined ? {} : { budget: s.budget }),
    });
  }
  return rows;
}

for (const bits of [2048, 1024] as const) {
  const privatePem = pem(`rsa${bits}`);
  const publicPem = pem(`rsa${bits}.pub`);
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(publicPem);
  const signed = await nodeBuild.sign(URL_, { ...OPTIONS, privateKey: privatePem });
  const msg = Buffer.from(signed.message);
  const sig = Buffer.from(signed.signature, 'base64');
  // Batches of about a millisecond. OpenSSL renews an RSA key's blinding every 32 private-key operations: the batch
  // in which that falls is slower, on both sides alike, and is never the fastest.
  const signN = bits === 2048 ? 3 : 11;
  const verifyN = bits === 2048 ? 47 : 97;
  const budget = bits === 2048;

  if (budget) {
    compare(
      `A/A sign ${bits}`,
      signN,
      () => rawSign('sha256', msg, privateKey),
      () => rawSign('sha256', msg, privateKey),
    );
    compare(
      `A/A verify ${bits}`,
      verifyN,
      () => rawVerify('sha256', msg, publicKey, sig),
      () => rawVerify('sha256', msg, publicKey, sig),
    );
  }
  compare(
    `sign ${bits} node`,
    signN,
    () => rawSign('sha256', msg, privateKey),
    () => nodeBuild.sign(URL_, { ...OPTIONS, privateKey: privatePem }),
    budget ? BUDGETS.sign : undefined,
  );
  if (budget) {
    // The other public forms: an absolute URL to sign, a request's parts to verify (the message rebuilt from them).
    compare(
      `sign ${bits} node, absolute URL`,
      signN,
      () => rawSign('sha256', msg, privateKey),
      () => nodeBuild.sign(`https://app.nops.io${URL_}`, { ...OPTIONS, privateKey: privatePem }),
      BUDGETS.sign,
    );
  }
  compare(
    `verify ${bits} node`,
    verifyN,
    () => rawVerify('sha256', msg, publicKey, sig),
    () => nodeBuild.verify({ message: signed.message }, signed.signature, publicPem),
    budget ? BUDGETS.verify : undefined,
  );
  if (budget) {
    const parts = { url: signed.url, apiKey: API_KEY, date: OPTIONS.date };
    compare(
      `verify ${bits} node, request parts`,
      verifyN,
      () => rawVerify('sha256', msg, publicKey, sig),
      () => nodeBuild.verify(parts, signed.signature, publicPem),
      BUDGETS.verify,
    );
  }

  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const wcPrivate = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), alg, false, ['sign']);
  const wcPublic = await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), alg, false, ['verify']);
  compare(
    `sign ${bits} WebCrypto`,
    signN,
    () => webcrypto.subtle.sign(alg, wcPrivate, msg),
    () => webBuild.sign(URL_, { ...OPTIONS, privateKey: privatePem }),
  );
  compare(
    `verify ${bits} WebCrypto`,
    verifyN >> 1,
    () => webcrypto.subtle.verify(alg, wcPublic, sig, msg),
    () => webBuild.verify({ message: signed.message }, signed.signature, publicPem),
  );
}

const rows = await measureAll();
const pad = (s: string, n: number): string => s.padEnd(n);
console.log(`node ${process.version}, ${ROUNDS} rounds of raw/ours/ours/raw batches: per call, the fastest batch plus GC pauses`);
console.log('raw = crypto.sign / crypto.verify with a KeyObject (WebCrypto rows: crypto.subtle with an imported CryptoKey)');
console.log(
  `${pad('operation', 34)}${pad('raw us', 10)}${pad('ours us', 10)}${pad('GC raw/ours', 13)}${pad('ratio', 8)}${pad('median', 8)}budget`,
);
let failed = false;
for (const r of rows) {
  const verdict = r.budget === undefined ? '' : r.ratio <= r.budget ? `<= ${r.budget}  ok` : `<= ${r.budget}  MISSED`;
  if (r.budget !== undefined && r.ratio > r.budget) failed = true;
  console.log(
    `${pad(r.name, 34)}${pad(r.raw.toFixed(1), 10)}${pad(r.ours.toFixed(1), 10)}${pad(`${r.rawGc.toFixed(2)}/${r.gc.toFixed(2)}`, 13)}${pad(r.ratio.toFixed(3), 8)}${pad(r.medianRatio.toFixed(3), 8)}${verdict}`,
  );
}
// The README's table is this run's (bench/docs.mjs), with where and when it ran.
const changed = writeReadme({ ...stamp(), rounds: ROUNDS, rows });
console.log(changed ? 'rewrote the performance table of packages/nops/README.md' : 'packages/nops/README.md: unchanged');
if (failed) process.exitCode = 1;
