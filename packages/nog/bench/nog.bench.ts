/**
 * nog-v1 costs as ratios against the floor measured in the same run: one raw
 * `createHmac('sha256', secret).update(stringToSign).digest('hex')` over the same string. Each round times a batch of raw
 * HMACs and a batch of the operation back to back; the table shows the median ratio over the rounds.
 *
 *   npm run bench -w @reqsign/nog        (node --expose-gc --import tsx bench/nog.bench.ts)
 */
import { createHmac, randomBytes } from 'node:crypto';
import { formatDateTime } from '@reqsign/canonical';
import * as node from '../src/node.js';
import * as web from '../src/index.js';

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
function rawBatch(n: number): number {
  const t = cpu();
  for (let i = 0; i < n; i++) sink ^= createHmac('sha256', KEY.secret).update(sts).digest('hex').charCodeAt(0);
  return (cpu() - t) / n;
}
async function timeBatch(n: number, op: (i: number) => unknown): Promise<number> {
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

/**
 * Warms up, then runs `rounds` rounds of (raw HMAC batch, operation batch), in alternating order, and keeps the
 * median of the per-round ratios: on a shared, noisy machine both sides of a ratio see the same conditions.
 */
async function measure(
  name: string,
  n: number,
  op: (i: number) => unknown,
  target?: number,
  rounds = ROUNDS,
  /** Untimed preparation before each batch of the operation (and before the warm-up). */
  before?: () => void,
): Promise<void> {
  for (let w = 0; w < 3; w++) {
    before?.();
    await timeBatch(n, op);
  }
  rawBatch(n * 3);
  const ratios: number[] = [];
  const nss: number[] = [];
  const raws: number[] = [];
  let i = 0;
  for (let r = 0; r < rounds; r++) {
    let raw: number;
    let ns: number;
    before?.();
    if (r % 2 === 0) {
      raw = rawBatch(n);
      ns = await timeBatch(n, () => op(i++));
    } else {
      ns = await timeBatch(n, () => op(i++));
      raw = rawBatch(n);
    }
    raws.push(raw);
    nss.push(ns);
    ratios.push(ns / raw);
  }
  rows.push({ name, ns: median(nss), raw: median(raws), ratio: median(ratios), ...(target === undefined ? {} : { target }) });
}

const N = 5_000;
const now = Date.now();

// Signing: defaults (date now, expires 600, a pooled random nonce).
await measure('sign (node, async)', N, () => node.sign('GET', URL_, KEY), 1.3);
await measure('signSync (node)', N, () => node.signSync('GET', URL_, KEY), 1.3);
// The same target in an absolute URL: the scheme and authority are parsed and put back.
const ABSOLUTE = `https://nog.example.com${URL_}`;
await measure('sign, absolute URL (node, async)', N, () => node.sign('GET', ABSOLUTE, KEY), 1.1);
await measure('signSync, absolute URL (node)', N, () => node.signSync('GET', ABSOLUTE, KEY), 1.1);

// Verification without a nonce: the same URL over and over.
const noNonce = Buffer.from(node.signSync('GET', URL_, KEY, { nonce: false, date: now }).url, 'latin1').toString('latin1');
const v1 = node.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now });
if (!(await v1.verify('GET', noNonce)).ok) throw new Error('bench setup: verify failed');
await measure('verify, no nonce (node)', N, () => v1.verify('GET', noNonce), 2.0);

// Verification with the memory store, in a steady state: every request has a fresh nonce and the clock advances
// 1 ms per request (1,000 requests a second), with expires 30 s and a clock skew of 5 s, so that about 35,000
// nonces are live and as many expire as arrive: the cost of expiry is included. The requests of each batch are
// signed before it, untimed, as flat strings (as an HTTP parser hands them over; signSync returns a rope).
const flat = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');
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
await measure(
  'verify + memory nonce store (node)',
  N,
  () => {
    const r = v2.verify('GET', batch[j++ % N]!);
    k++;
    return r;
  },
  2.5,
  ROUNDS,
  nextBatch,
);
if ((await v2.verify('GET', batch[N - 1]!)).ok) throw new Error('bench setup: replay accepted');
const liveNonces = store.size;

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
await measure('memory store claim, two clocks 5 s apart', N, (i) => claimApart(i), 1.0);

// The portable path, for reference (no budget: WebCrypto is 20-30x the node:crypto floor on Node).
const w1 = web.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now });
await measure('sign (WebCrypto)', 200, () => web.sign('GET', URL_, KEY), undefined, 21);
await measure('verify, no nonce (WebCrypto)', 200, () => w1.verify('GET', noNonce), undefined, 21);

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
console.log(`${pad('operation', 38)}${pad('ns/op', 10)}${pad('raw ns', 10)}${pad('ratio', 9)}${pad('budget', 9)}verdict`);
for (const r of rows) {
  const verdict = r.target === undefined ? '' : r.ratio <= r.target ? 'ok' : 'OVER';
  console.log(
    `${pad(r.name, 38)}${pad(r.ns.toFixed(0), 10)}${pad(r.raw.toFixed(0), 10)}${pad(`${r.ratio.toFixed(2)}x`, 9)}${pad(r.target === undefined ? '-' : `${r.target}x`, 9)}${verdict}`,
  );
}
console.log(`(verify + memory nonce store: ${liveNonces} live nonces at the end of the run)`);
console.log(`\nMemoryNonceStore at its default size (${node.DEFAULT_MAX_NONCES.toLocaleString('en')} nonces), a simulated clock:`);
for (const c of capacities) {
  const fate = c.refusedAt === null ? 'never refused' : `first refusal after ${c.refusedAt.toFixed(0)} s`;
  console.log(
    `${pad(c.what, 50)}${pad(fate, 30)}${pad(`${c.live.toLocaleString('en')} live`, 16)}${Number.isNaN(c.bytes) ? '' : `${c.bytes.toFixed(0)} B/live nonce`}`,
  );
}
console.log(
  `${pad('memory store, 1,000,000 live nonces', 38)}${pad(Number.isNaN(perEntry) ? 'run with --expose-gc' : `${perEntry.toFixed(0)} B/entry`, 29)}${pad('150 B', 9)}${Number.isNaN(perEntry) ? '' : perEntry <= 150 ? 'ok' : 'OVER'}`,
);
if (sink === 0.5) console.log(sink);
