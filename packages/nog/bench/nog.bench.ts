/**
 * nog-v1 costs as ratios against the floor measured in the same run: one raw
 * `createHmac('sha256', secret).update(stringToSign).digest('hex')` over the same string. Each round times a batch of raw
 * HMACs and a batch of the operation back to back, the rounds going over every row in turn; the table shows the median
 * ratio over the rounds.
 *
 *   npm run bench -w @reqsign/nog        (node --expose-gc --import tsx bench/nog.bench.ts)
 */
import { createHmac, randomBytes } from 'node:crypto';
import { formatDateTime } from '@reqsign/canonical';
import * as node from '../src/node.js';
import * as web from '../src/index.js';
import { stamp } from '../../../scripts/lib/bench-docs.mjs';
import { writeReadme } from './docs.mjs';

const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const URL_ = '/api/repos/alice/data/db/trees/0123456789abcdef0123456789abcdef01234567?format=v1&limit=100';
const ROUNDS = 41;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sts = node.signSync('GET', URL_, KEY, { nonce: false }).stringToSign;
let sink = 0;
// CPU time of this process (user + system), not wall time: on a shared machine the time this process waits for a
// core is not its cost. In nanoseconds.
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
/**
 * Empties the young generation before a timed batch (a minor collection, untimed; the bench runs with --expose-gc).
 * A raw `createHmac` leaves far more garbage per call (a Hmac stream object and its state) than the operations do:
 * without this, that garbage filled the young generation and was collected during the next batch, charged to the
 * operation. Measured: signSync of an absolute URL read 0.84x in batches of 5,000 alternating with raw ones, 0.72x in
 * batches of 50,000 (where each side mostly pays for its own garbage), and 0.72-0.77x in batches of 5,000 that start
 * from an empty young generation. Each side still pays for collecting its own garbage within its batch.
 */
const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
const freshYoung = (): void => gc?.({ type: 'minor' });
function rawBatch(n: number, message = sts): number {
  freshYoung();
  const t = cpu();
  for (let i = 0; i < n; i++) sink ^= createHmac('sha256', KEY.secret).update(message).digest('hex').charCodeAt(0);
  return (cpu() - t) / n;
}
async function timeBatch(n: number, op: (i: number) => unknown): Promise<number> {
  freshYoung();
  const t = cpu();
  for (let i = 0; i < n; i++) {
    const r = op(i);
    if (r instanceof Promise) await r;
  }
  return (cpu() - t) / n;
}

interface Row {
  name: string;
  ns: number;
  raw: number;
  ratio: number;
  target?: number;
}
const rows: Row[] = [];

interface Spec {
  readonly name: string;
  readonly n: number;
  readonly op: (i: number) => unknown;
  readonly target: number | undefined;
  readonly rounds: number;
  readonly before: (() => void) | undefined;
  readonly rawMessage: string;
  readonly ratios: number[];
  readonly nss: number[];
  readonly raws: number[];
  calls: number;
}
const specs: Spec[] = [];

/**
 * A row: `rounds` rounds of (raw HMAC batch, operation batch), in alternating order, each giving a ratio; the row
 * keeps the median of its ratios, so on a shared, noisy machine both sides of a ratio see the same conditions. The
 * rounds run in {@link runAll}, over every row in turn: a slow spell of the machine (they last seconds here) lands on
 * a few rounds of each row, not on all of one.
 */
function measure(
  name: string,
  n: number,
  op: (i: number) => unknown,
  target?: number,
  rounds = ROUNDS,
  /** Untimed preparation before each batch of the operation (and before the warm-up). */
  before?: () => void,
  /** What the raw HMAC hashes (default the string to sign of URL_). */
  rawMessage = sts,
): void {
  specs.push({ name, n, op, target, rounds, before, rawMessage, ratios: [], nss: [], raws: [], calls: 0 });
}

/**
 * Warms every row measured since the last call up, then runs their rounds, one of each row at a time; fills
 * {@link rows} in the order measured.
 */
async function runAll(): Promise<void> {
  for (const s of specs) {
    for (let w = 0; w < 3; w++) {
      s.before?.();
      await timeBatch(s.n, s.op);
    }
    rawBatch(s.n * 3, s.rawMessage);
  }
  const most = Math.max(...specs.map((s) => s.rounds));
  for (let r = 0; r < most; r++) {
    for (const s of specs) {
      if (r >= s.rounds) continue;
      s.before?.();
      const op = () => s.op(s.calls++);
      let raw: number;
      let ns: number;
      if (r % 2 === 0) {
        raw = rawBatch(s.n, s.rawMessage);
        ns = await timeBatch(s.n, op);
      } else {
        ns = await timeBatch(s.n, op);
        raw = rawBatch(s.n, s.rawMessage);
      }
      s.raws.push(raw);
      s.nss.push(ns);
      s.ratios.push(ns / raw);
    }
  }
  for (const s of specs.splice(0)) {
    rows.push({
      name: s.name,
      ns: median(s.nss),
      raw: median(s.raws),
      ratio: median(s.ratios),
      ...(s.target === undefined ? {} : { target: s.target }),
    });
  }
}

const N = 5_000;
const now = Date.now();
// A flat string, as an HTTP parser hands a URL over (signSync returns a rope).
const flat = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');

// The A/A row: the raw HMAC against itself, in the same rounds as every other row: how far a ratio moves by noise
// alone (a budget is judged on a ratio whose A/A neighbour reads 1.00x give or take this).
measure('A/A: raw HMAC vs raw HMAC', N, () => createHmac('sha256', KEY.secret).update(sts).digest('hex'));

// Signing: defaults (date now, expires 600, a pooled random nonce).
measure('sign (node, async)', N, () => node.sign('GET', URL_, KEY), 1.3);
measure('signSync (node)', N, () => node.signSync('GET', URL_, KEY), 1.3);
// The same target in an absolute URL: the scheme and authority are parsed and put back.
const ABSOLUTE = `https://nog.example.com${URL_}`;
measure('sign, absolute URL (node, async)', N, () => node.sign('GET', ABSOLUTE, KEY), 0.9);
measure('signSync, absolute URL (node)', N, () => node.signSync('GET', ABSOLUTE, KEY), 0.7);

// Verification without a nonce: the same URL over and over.
const noNonce = Buffer.from(node.signSync('GET', URL_, KEY, { nonce: false, date: now }).url, 'latin1').toString('latin1');
const v1 = node.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now });
if (!(await v1.verify('GET', noNonce)).ok) throw new Error('bench setup: verify failed');
measure('verify, no nonce (node)', N, () => v1.verify('GET', noNonce), 1.0);

// The longest URL a verifier takes (16 KiB), against the HMAC of a string as long: a signed one, and unsigned ones
// made to be slow to read (thousands of tiny segments, malformed escapes, names that almost spell an auth
// parameter), which fail before any key is looked up. A URL of 5,450 "a%&" once cost 900x a plain one.
const longPath = `/p?q=${'a'.repeat(16_200)}`;
const long = flat(node.signSync('GET', longPath, KEY, { nonce: false, date: now }).url);
const longSts = node.signSync('GET', longPath, KEY, { nonce: false, date: now }).stringToSign;
if (!(await v1.verify('GET', long)).ok) throw new Error('bench setup: long URL');
measure('verify, 16 KiB signed URL (node)', 1000, () => v1.verify('GET', long), 2.5, ROUNDS, undefined, longSts);
for (const unit of ['a%&', 'auth%6Beyi&', 'authkeyi%6&', '%61%75%74%68%6&']) {
  const hostile = flat(`/p?${unit.repeat(Math.floor(16_300 / unit.length))}`);
  if ((await v1.verify('GET', hostile)).ok) throw new Error('bench setup: hostile URL');
  measure(`verify, 16 KiB of ${JSON.stringify(unit)}`, 1000, () => v1.verify('GET', hostile), 6, ROUNDS, undefined, hostile);
}

// The rows that leave little garbage, together; the memory store's (a batch of signed URLs per round, thousands of
// nonces expiring) and WebCrypto's on their own after, so that collecting their garbage does not land in the
// batches of the others.
await runAll();

// Verification with the memory store, in a steady state: every request has a fresh nonce and the clock advances
// 1 ms per request (1,000 requests a second), with expires 30 s and a clock skew of 5 s, so that about 35,000
// nonces are live and as many expire as arrive: the cost of expiry is included. The requests of each batch are
// signed before it, untimed, as flat strings (as an HTTP parser hands them over; signSync returns a rope).
const t0 = now;
let k = 0;
let batch: string[] = [];
const clock = (): number => t0 + k;
const store = new node.MemoryNonceStore();
const v2 = node.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: clock, maxClockSkew: 5, nonceStore: store });
const nextBatch = (): void => {
  batch = Array.from({ length: N }, (_, i) => flat(node.signSync('GET', URL_, KEY, { date: t0 + k + i, expires: 30 }).url));
};
let j = 0;
measure(
  'verify + memory nonce store (node)',
  N,
  () => {
    const r = v2.verify('GET', batch[j++ % N]!);
    k++;
    return r;
  },
  1.5,
  ROUNDS,
  nextBatch,
);

// Two verifiers whose clocks are 5 s apart share one store (a clock that steps back, over and over): each claim by
// the later clock counts seconds out that the earlier one counts in again. The table is not rescanned.
const apart = new node.MemoryNonceStore();
let m = 0;
const claimApart = (i: number) =>
  apart.claim({
    keyId: KEY.id,
    authdate: 'd',
    nonce: (m++).toString(16).padStart(20, '0'),
    expiresAt: t0 + 30_000 + i,
    now: t0 + (i % 2) * 5000 + i,
  });
for (let i = 0; i < 200_000; i++) claimApart(i);
measure('memory store claim, two clocks 5 s apart', N, (i) => claimApart(i), 1.0);

measure('A/A: raw HMAC vs raw HMAC (these rows)', N, () => createHmac('sha256', KEY.secret).update(sts).digest('hex'));

// The portable path, for reference (no budget: WebCrypto is 20-30x the node:crypto floor on Node).
const w1 = web.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now });
measure('sign (WebCrypto)', 200, () => web.sign('GET', URL_, KEY), undefined, 21);
measure('verify, no nonce (WebCrypto)', 200, () => w1.verify('GET', noNonce), undefined, 21);

await runAll();
if ((await v2.verify('GET', batch[N - 1]!)).ok) throw new Error('bench setup: replay accepted');
const liveNonces = store.size;

// Memory: bytes per entry with one million live nonces.
function bytesPerEntry(count: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  gc();
  gc();
  // The JS heap and ArrayBuffer memory (the store's table lives outside the heap).
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const pool = randomBytes(count * 10);
  const before = used();
  const store = new node.MemoryNonceStore({ maxEntries: count });
  for (let i = 0; i < count; i++) {
    store.claim({
      keyId: KEY.id,
      authdate: formatDateTime(now - (i % 600) * 1000),
      nonce: pool.toString('hex', i * 10, i * 10 + 10),
      expiresAt: now + 1_500_000 + (i % 600) * 1000,
      now,
    });
  }
  gc();
  gc();
  const after = used();
  // The pool stays alive until after the second reading, so that its release is not counted against the store.
  if (store.size !== count || pool.length !== count * 10) throw new Error('bench setup: store did not fill');
  return (after - before) / count;
}
const perEntry = bytesPerEntry(1_000_000);

/**
 * Capacity at the default size: requests carrying a nonce arrive at `rate` a second (the clock advances with them)
 * with `authexpires` seconds of life each; returns the number of live nonces when the first claim is refused, or
 * when the stream ends after `seconds`, and the memory per live nonce. Nonces of `nonceOf` (hex, or 40 characters of
 * other text, which the store keeps as a hash).
 */
function capacity(
  rate: number,
  expires: number,
  seconds: number,
  nonceOf: (i: number) => string,
): { refusedAt: number | null; live: number; bytes: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Twice: the table of the previous run's store (an ArrayBuffer) is released only after a collection has run its
  // finalizer, and counted in `before` it made this run's figure 0.
  gc?.();
  gc?.();
  const used = (): number => {
    const u = process.memoryUsage();
    return u.heapUsed + u.arrayBuffers;
  };
  const before = used();
  const s = new node.MemoryNonceStore();
  const total = rate * seconds;
  let refusedAt: number | null = null;
  for (let i = 0; i < total; i++) {
    const at = now + Math.floor((i * 1000) / rate);
    try {
      s.claim({ keyId: KEY.id, authdate: formatDateTime(at), nonce: nonceOf(i), expiresAt: at + expires * 1000, now: at });
    } catch {
      refusedAt = i / rate;
      break;
    }
  }
  gc?.();
  gc?.();
  return { refusedAt, live: s.size, bytes: (used() - before) / s.size };
}
const hex = (i: number): string => i.toString(16).padStart(20, '0');
const text = (i: number): string => `nonce-${i}-`.padEnd(40, 'x');
const capacities = [
  { what: '10,000 req/s, authexpires 600, 20-hex nonces', ...capacity(10_000, 600, 660, hex) },
  { what: '14,000 req/s, authexpires 600, 20-hex nonces', ...capacity(14_000, 600, 660, hex) },
  { what: '10,000 req/s, authexpires 600, 40-char nonces', ...capacity(10_000, 600, 660, text) },
];

const pad = (s: string, n: number) => s.padEnd(n);
console.log(
  `\n@reqsign/nog on Node ${process.version}; raw HMAC floor = createHmac('sha256', secret).update(${sts.length}-char string).digest('hex')`,
);
console.log(`${pad('operation', 42)}${pad('ns/op', 10)}${pad('raw ns', 10)}${pad('ratio', 9)}${pad('budget', 9)}verdict`);
// Each figure with a budget that it misses is counted: the run then ends with exit status 1.
let over = 0;
for (const r of rows) {
  const verdict = r.target === undefined ? '' : r.ratio <= r.target ? 'PASS' : 'FAIL';
  if (verdict === 'FAIL') over++;
  console.log(
    `${pad(r.name, 42)}${pad(r.ns.toFixed(0), 10)}${pad(r.raw.toFixed(0), 10)}${pad(`${r.ratio.toFixed(2)}x`, 9)}${pad(r.target === undefined ? '-' : `${r.target}x`, 9)}${verdict}`,
  );
}
console.log(`(verify + memory nonce store: ${liveNonces} live nonces at the end of the run)`);
console.log(`\nMemoryNonceStore at its default size (${node.DEFAULT_MAX_NONCES.toLocaleString('en')} nonces), a simulated clock:`);
for (const c of capacities) {
  const fate = c.refusedAt === null ? 'never refused' : `first refusal after ${c.refusedAt.toFixed(0)} s`;
  // The default is sized for 10,000 nonce-carrying requests a second, sustained: those must never be refused.
  const verdict = c.what.startsWith('10,000') ? (c.refusedAt === null ? 'PASS' : 'FAIL') : '';
  if (verdict === 'FAIL') over++;
  console.log(
    `${pad(c.what, 50)}${pad(fate, 30)}${pad(`${c.live.toLocaleString('en')} live`, 16)}${pad(Number.isNaN(c.bytes) ? '' : `${c.bytes.toFixed(0)} B/live nonce`, 18)}${verdict}`,
  );
}
console.log(
  `${pad('memory store, 1,000,000 live nonces', 38)}${pad(Number.isNaN(perEntry) ? 'run with --expose-gc' : `${perEntry.toFixed(0)} B/entry`, 29)}${pad('150 B', 9)}${Number.isNaN(perEntry) ? '' : perEntry <= 150 ? 'PASS' : 'FAIL'}`,
);
if (!Number.isNaN(perEntry) && perEntry > 150) over++;
// The README's tables are this run's (bench/docs.mjs), with where and when it ran.
const changed = writeReadme({
  ...stamp(),
  rounds: ROUNDS,
  floor: `one createHmac('sha256', secret).update(stringToSign).digest('hex') over the same string (${sts.length} characters, or as long as the 16 KiB URL)`,
  rows,
  capacities,
  perEntry,
});
console.log(changed ? 'rewrote the performance tables of packages/nog/README.md' : 'packages/nog/README.md: unchanged');
if (over > 0) {
  console.log(`${over} over budget`);
  process.exitCode = 1;
}
if (sink === 0.5) console.log(sink);
