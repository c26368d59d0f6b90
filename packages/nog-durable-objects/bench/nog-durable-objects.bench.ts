/**
 * The cost of a claim and the claims per second one object sustains, measured inside workerd (the Workers runtime,
 * from tools/runtimes) with the objects on local disk, against the raw primitive in the same run: the same request
 * to a plain Durable Object that does one `storage.put` (bench/worker.ts). Rounds alternate raw and store on fresh
 * objects; the table shows medians. Times are workerd's own clock, which advances at each I/O. The run is written
 * into the README, stamped (bench/docs.mjs), with the figures its prose quotes.
 *
 *   npm run bench -w @reqsign/nog-durable-objects        (node --import tsx bench/nog-durable-objects.bench.ts)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderBench, stamp } from '../../../scripts/lib/bench-docs.mjs';
import { bundleWorker, startWorkerd } from '../../../scripts/lib/workerd.js';
import { AA, PER_OBJECT, sizingRun, writeReadme } from './docs.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'reqsign-do-bench-'));
const { code } = await bundleWorker(fileURLToPath(new URL('./worker.ts', import.meta.url)));
const worker = await startWorkerd({
  code,
  storageDir: dir,
  bindings: [
    { name: 'NONCES', durableObjectNamespace: 'NogNonceObject' },
    { name: 'RAW', durableObjectNamespace: 'RawObject' },
  ],
  durableObjects: [
    { className: 'NogNonceObject', uniqueKey: 'bench-nonces' },
    { className: 'RawObject', uniqueKey: 'bench-raw' },
  ],
});

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
}
let round = 0;
async function once(mode: 'store' | 'raw', ops: number, concurrency: number, shards: number): Promise<Run> {
  const r = await fetch(`${worker.url}/run?mode=${mode}&ops=${ops}&concurrency=${concurrency}&shards=${shards}&round=${round++}`);
  if (r.status !== 200) throw new Error(`bench worker: HTTP ${r.status}: ${await r.text()}\n${worker.stderr()}`);
  const { elapsed, latencies } = (await r.json()) as { elapsed: number; latencies: number[] };
  latencies.sort((a, b) => a - b);
  return { perSecond: (ops / elapsed) * 1000, p50: latencies[Math.floor(ops * 0.5)]!, p99: latencies[Math.floor(ops * 0.99)]! };
}

const rows: { name: string; raw: Run; store: Run }[] = [];
try {
  // The A/A row times the raw primitive against itself (its "claims/s" column is raw again): its distance from 1.00
  // is the run's noise.
  for (const [name, ops, concurrency, shards, second] of [
    [AA, 1000, 64, 1, 'raw'],
    ['one object, one claim at a time (cost of a claim)', 300, 1, 1, 'store'],
    [PER_OBJECT, 1000, 64, 1, 'store'],
    ['32 objects, 64 in flight', 1000, 64, 32, 'store'],
  ] as const) {
    const raw: Run[] = [];
    const store: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        raw.push(await once('raw', ops, concurrency, shards));
        store.push(await once(second, ops, concurrency, shards));
      } else {
        store.push(await once(second, ops, concurrency, shards));
        raw.push(await once('raw', ops, concurrency, shards));
      }
    }
    const m = (runs: Run[]): Run => ({
      perSecond: median(runs.map((r) => r.perSecond)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
    });
    rows.push({ name, raw: m(raw), store: m(store) });
  }
} finally {
  await worker.stop();
  rmSync(dir, { recursive: true, force: true });
}

const measured = { ...stamp(), rounds: ROUNDS, rows };
console.log(renderBench(sizingRun(measured)));
console.log(writeReadme(measured) ? '\nREADME.md: bench-do regions rewritten' : '\nREADME.md: bench-do regions unchanged');
