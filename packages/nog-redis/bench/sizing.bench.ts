/**
 * The figures the sizing model of docs/SIZING.md is computed from, measured on this machine, and checked against
 * the figures the model uses (MODEL, bench/sizing-model.ts, whose numbers test/sizing.test.ts finds in the document): the model holds when every
 * measured rate is at least the model's and every measured size at most the model's (PASS), so that a fleet sized
 * from the document has the capacity it promises on hardware like this.
 *
 * - per verifier core: verifications a second of one core, with the memory store (a fresh nonce each), and with
 *   the Redis store (the verifier's own CPU: the verification and the Redis client's work), from this process's
 *   CPU time, not wall time;
 * - per Redis shard: claims a second of one Redis core, from the server's own CPU time (INFO CPU) over a run of
 *   claims sent by the store;
 * - bytes per live nonce: Redis `used_memory` per claimed key (INFO MEMORY), and the memory store's own.
 *
 *   npm run bench -w @reqsign/nog-redis        (runs this after nog-redis.bench.ts)
 */
import { loadavg } from 'node:os';
import { stamp, writeBenchRegions } from '../../../scripts/lib/bench-docs.mjs';
import { createVerifier, MemoryNonceStore, signSync } from '@reqsign/nog';
import { createRedisNonceStore, type RedisNonceStoreOptions } from '../src/index.js';
import { connect } from '../test/helpers/connect.mjs';
import { startRedisServer } from '../test/helpers/redisServer.js';
import { MODEL } from './sizing-model.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const KEY = { id: 'bench-key', secret: '0123456789abcdef0123456789abcdef01234567' };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const sign = (n: number, tag: string): string[] =>
  Array.from({ length: n }, (_, i) => signSync('GET', `/api/items/${tag}/${i}?format=v1`, KEY, { expires: 600 }).url);

/** Verifications per CPU second of this process: `n` fresh URLs, `inFlight` at a time. */
async function verifyRate(verify: (url: string) => Promise<{ ok: boolean }>, n: number, inFlight: number, tag: string): Promise<number> {
  const urls = sign(n, tag);
  let next = 0;
  const t = cpuSeconds();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < urls.length) {
        const r = await verify(urls[next++]!);
        if (!r.ok) throw new Error('bench: verification failed');
      }
    }),
  );
  return n / (cpuSeconds() - t);
}

const server = await startRedisServer();
type Client = { sendCommand(args: string[]): Promise<unknown>; destroy(): void };
const client = (await connect({ kind: 'client', url: server.url })) as unknown as Client;
const admin = (await connect({ kind: 'client', url: server.url })) as unknown as Client;
const info = async (section: string, field: string): Promise<number> => {
  const text = String(await admin.sendCommand(['INFO', section]));
  const m = new RegExp(`^${field}:([0-9.]+)`, 'm').exec(text);
  if (m === null) throw new Error(`bench: no ${field} in INFO ${section}`);
  return Number(m[1]);
};
const redisCpu = async (): Promise<number> => (await info('CPU', 'used_cpu_user')) + (await info('CPU', 'used_cpu_sys'));
const store = createRedisNonceStore({ client: client as unknown as RedisNonceStoreOptions['client'], timeoutMs: 10_000 });

const measured = { memory: [] as number[], redis: [] as number[], shard: [] as number[] };
let redisBytes = Number.NaN;
let memoryBytes = Number.NaN;
try {
  const memoryVerifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: new MemoryNonceStore() });
  const redisVerifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
  // Warm-up.
  await verifyRate((u) => memoryVerifier.verify('GET', u), 5000, 1, 'warm-m');
  await verifyRate((u) => redisVerifier.verify('GET', u), 5000, 200, 'warm-r');
  for (let r = 0; r < ROUNDS; r++) {
    measured.memory.push(await verifyRate((u) => memoryVerifier.verify('GET', u), 10_000, 1, `m${r}`));
    const before = await redisCpu();
    const n = 20_000;
    measured.redis.push(await verifyRate((u) => redisVerifier.verify('GET', u), n, 200, `r${r}`));
    // The server's CPU over the same claims (INFO's own two calls are a rounding error against 20,000 SETs).
    measured.shard.push(n / ((await redisCpu()) - before));
  }
  // Bytes per live nonce: 200,000 claims of the store, Redis's used_memory before and after.
  await admin.sendCommand(['FLUSHALL']);
  const n = 200_000;
  const before = await info('MEMORY', 'used_memory');
  const now = Date.now();
  for (let i = 0; i < n; i += 1000) {
    await Promise.all(
      Array.from({ length: 1000 }, (_, j) =>
        store.claim({
          keyId: KEY.id,
          authdate: '2026-01-01T000000Z',
          nonce: (i + j).toString(16).padStart(20, '0'),
          expiresAt: now + 600_000,
          now,
        }),
      ),
    );
  }
  redisBytes = ((await info('MEMORY', 'used_memory')) - before) / n;
  // The memory store's table, at its steady load, from the process's ArrayBuffer memory.
  const m = new MemoryNonceStore();
  const ab = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < n; i++) {
    m.claim({ keyId: KEY.id, authdate: '2026-01-01T000000Z', nonce: i.toString(16).padStart(20, '0'), expiresAt: now + 600_000, now });
  }
  memoryBytes = (process.memoryUsage().arrayBuffers - ab) / n;
} finally {
  client.destroy();
  admin.destroy();
  await server.stop();
}

const rows = [
  {
    what: 'verifications/s per verifier core, memory store',
    value: median(measured.memory),
    model: MODEL.verifyPerCoreMemory,
    atLeast: true,
  },
  { what: 'verifications/s per verifier core, Redis store', value: median(measured.redis), model: MODEL.verifyPerCoreRedis, atLeast: true },
  { what: 'claims/s per Redis shard (server CPU)', value: median(measured.shard), model: MODEL.claimsPerShard, atLeast: true },
  { what: 'Redis bytes per live nonce', value: redisBytes, model: MODEL.redisBytesPerNonce, atLeast: false },
  { what: 'memory store bytes per live nonce', value: memoryBytes, model: MODEL.memoryBytesPerNonce, atLeast: false },
];
const pad = (s: string, n: number) => s.padEnd(n);
console.log(`\nSizing figures (docs/SIZING.md), medians of ${ROUNDS} rounds, against the figures the model uses`);
console.log(`${pad('figure', 52)}${pad('measured', 12)}${pad('model', 12)}verdict`);
let failed = 0;
for (const r of rows) {
  const pass = r.atLeast ? r.value >= r.model : r.value <= r.model;
  if (!pass) failed++;
  console.log(
    `${pad(r.what, 52)}${pad(Math.round(r.value).toLocaleString('en'), 12)}${pad(`${r.atLeast ? '>=' : '<='} ${r.model.toLocaleString('en')}`, 12)}${pass ? 'PASS' : 'FAIL'}`,
  );
}
// docs/SIZING.md's table of this run, stamped with where and when it ran.
const changed = writeBenchRegions(new URL('../../../docs/SIZING.md', import.meta.url), 'bench-sizing', {
  measured: {
    command: 'npm run bench -w @reqsign/nog-redis',
    ...stamp(),
    load: loadavg()[0]!.toFixed(1),
    note: `bench/sizing.bench.ts, medians of ${ROUNDS} rounds; a figure that does not hold the model's ends the run with exit status 1`,
    columns: ['figure', 'measured', 'the model uses', 'verdict'],
    rows: rows.map((r) => [
      r.what,
      Math.round(r.value).toLocaleString('en'),
      `${r.atLeast ? '>=' : '<='} ${r.model.toLocaleString('en')}`,
      (r.atLeast ? r.value >= r.model : r.value <= r.model) ? 'PASS' : 'FAIL',
    ]),
  },
});
console.log(changed ? 'rewrote the measured table of docs/SIZING.md' : 'docs/SIZING.md: unchanged');
if (failed > 0) {
  console.log(`${failed} figures the model uses do not hold here`);
  process.exitCode = 1;
}
