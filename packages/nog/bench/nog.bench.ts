/**
 * nog-v1 costs as ratios against the floor measured in the same run: one raw
 * `createHmac('sha256', secret).update(stringToSign).digest('hex')` over the same string. Each batch times the raw
 * HMAC and the operation back to back; the table shows the median ratio over the batches.
 *
 *   npm run bench -w @reqsign/nog        (node --expose-gc --import tsx bench/nog.bench.ts)
 */
import { createHmac, randomBytes } from 'node:crypto';
import { formatDateTime } from '@reqsign/canonical';
import * as node from '../src/node.js';
import * as web from '../src/index.js';

const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const URL_ = '/api/repos/alice/data/db/trees/0123456789abcdef0123456789abcdef01234567?format=v1&limit=100';
const BATCHES = 9;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sts = node.signSync('GET', URL_, KEY, { nonce: false }).stringToSign;
let sink = 0;
function rawBatch(n: number): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink ^= createHmac('sha256', KEY.secret).update(sts).digest('hex').charCodeAt(0);
  return Number(process.hrtime.bigint() - t) / n;
}
async function timeBatch(n: number, op: (i: number) => unknown): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = op(i);
    if (r instanceof Promise) await r;
  }
  return Number(process.hrtime.bigint() - t) / n;
}

interface Row {
  name: string;
  ns: number;
  raw: number;
  ratio: number;
  target?: number;
}
const rows: Row[] = [];

/** Warms up, then times `batches` pairs of (raw HMAC, operation) and keeps the median ratio. */
async function measure(name: string, n: number, op: (i: number) => unknown, target?: number, batches = BATCHES): Promise<void> {
  await timeBatch(Math.min(n, 5000), op);
  rawBatch(5000);
  const ratios: number[] = [];
  const nss: number[] = [];
  const raws: number[] = [];
  for (let b = 0; b < batches; b++) {
    const raw = rawBatch(n);
    const ns = await timeBatch(n, (i) => op(b * n + i));
    raws.push(raw);
    nss.push(ns);
    ratios.push(ns / raw);
  }
  rows.push({ name, ns: median(nss), raw: median(raws), ratio: median(ratios), ...(target === undefined ? {} : { target }) });
}

const N = 20_000;
const now = Date.now();

// Signing: defaults (date now, expires 600, a pooled random nonce).
await measure('sign (node, async)', N, () => node.sign('GET', URL_, KEY), 1.3);
await measure('signSync (node)', N, () => node.signSync('GET', URL_, KEY), 1.3);

// Verification without a nonce: the same URL over and over.
const noNonce = Buffer.from(node.signSync('GET', URL_, KEY, { nonce: false, date: now }).url, 'latin1').toString('latin1');
const v1 = node.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now });
if (!(await v1.verify('GET', noNonce)).ok) throw new Error('bench setup: verify failed');
await measure('verify, no nonce (node)', N, () => v1.verify('GET', noNonce), 2.0);

// Verification with the memory store: every request a fresh nonce, so every claim is a new entry.
const total = (BATCHES + 1) * N;
// Flat strings, as an HTTP parser hands them over (signSync's result is a rope of concatenations).
const flat = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');
const withNonce = Array.from({ length: total }, () => flat(node.signSync('GET', URL_, KEY, { date: now }).url));
const v2 = node.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now, nonceStore: new node.MemoryNonceStore({ now: () => now, maxEntries: total + 10 }) });
let k = 0;
await measure('verify + memory nonce store (node)', N, () => v2.verify('GET', withNonce[k++ % total]!), 2.5);

// The portable path, for reference (no budget: WebCrypto is ~20x the node:crypto floor on Node).
const w1 = web.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now });
await measure('sign (WebCrypto)', 2000, () => web.sign('GET', URL_, KEY), undefined, 5);
await measure('verify, no nonce (WebCrypto)', 2000, () => w1.verify('GET', noNonce), undefined, 5);

// Memory: bytes per entry with one million live nonces.
function bytesPerEntry(count: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new node.MemoryNonceStore({ maxEntries: count, now: () => now });
  const pool = randomBytes(count * 10);
  for (let i = 0; i < count; i++) {
    store.claim({
      keyId: KEY.id,
      authdate: formatDateTime(now - (i % 600) * 1000),
      nonce: pool.toString('hex', i * 10, i * 10 + 10),
      expiresAt: now + 1_500_000 + (i % 600) * 1000,
    });
  }
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (store.size !== count) throw new Error('bench setup: store did not fill');
  return (after - before) / count;
}
const perEntry = bytesPerEntry(1_000_000);

const pad = (s: string, n: number) => s.padEnd(n);
console.log(`\n@reqsign/nog on Node ${process.version}; raw HMAC floor = createHmac('sha256', secret).update(${sts.length}-char string).digest('hex')`);
console.log(`${pad('operation', 38)}${pad('ns/op', 10)}${pad('raw ns', 10)}${pad('ratio', 9)}${pad('budget', 9)}verdict`);
for (const r of rows) {
  const verdict = r.target === undefined ? '' : r.ratio <= r.target ? 'ok' : 'OVER';
  console.log(`${pad(r.name, 38)}${pad(r.ns.toFixed(0), 10)}${pad(r.raw.toFixed(0), 10)}${pad(`${r.ratio.toFixed(2)}x`, 9)}${pad(r.target === undefined ? '-' : `${r.target}x`, 9)}${verdict}`);
}
console.log(
  `${pad('memory store, 1,000,000 live nonces', 38)}${pad(Number.isNaN(perEntry) ? 'run with --expose-gc' : `${perEntry.toFixed(0)} B/entry`, 29)}${pad('150 B', 9)}${Number.isNaN(perEntry) ? '' : perEntry <= 150 ? 'ok' : 'OVER'}`,
);
if (sink === 0.5) console.log(sink);
