/**
 * Claims per second and latency of the Redis nonce store against the raw primitive it wraps, measured in the same
 * run with the same concurrency: raw pipelined `SET key 1 NX PX <ttl>` of the same keys on the same connections (for
 * a cluster, straight to the primary of each key's slot, as the store sends them). Servers are started here, on
 * loopback: one redis-server, and a Redis Cluster of 3 primaries with a replica each. One more row, for reference:
 * the same raw SETs through node-redis's own cluster routing (`cluster.sendCommand`).
 *
 * Each scenario keeps `concurrency` claims in flight (a closed loop: each answer starts the next claim) for `ops`
 * claims; rounds alternate raw and store, and the table shows medians over the rounds. Wall-clock time, because the
 * cost includes Redis's own; the ratio is store claims/s over raw claims/s.
 *
 *   npm run bench -w @reqsign/nog-redis        (node --import tsx bench/nog-redis.bench.ts)
 */
import { createVerifier, signSync } from '@reqsign/nog';
import { createRedisNonceStore, type RedisNonceStore, type RedisNonceStoreOptions } from '../src/index.js';
import { keySlot } from '../src/internal/slot.js';
import { connect } from '../test/helpers/connect.mjs';
import { startRedisCluster } from '../test/helpers/redisCluster.js';
import { startRedisServer } from '../test/helpers/redisServer.js';

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const KEY = { id: 'bench-key', secret: '0123456789abcdef0123456789abcdef01234567' };
const TTL = '630000'; // what the store sends for these claims: 600 s to expiry plus the 30 s clock tolerance
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
}

/** `ops` calls of `op(i)`, `concurrency` at a time; every call's latency in ms. */
async function run(op: (i: number) => Promise<unknown>, ops: number, concurrency: number): Promise<Run> {
  const latencies = new Float64Array(ops);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ops) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies[i] = performance.now() - t;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  latencies.sort();
  return { perSecond: (ops / elapsed) * 1000, p50: latencies[Math.floor(ops * 0.5)]!, p99: latencies[Math.floor(ops * 0.99)]! };
}

interface Row {
  name: string;
  concurrency: number;
  raw: Run;
  store: Run;
  ratio: number;
  budget: number | undefined;
}
const rows: Row[] = [];

/** What the second column runs: a claim of the store's, or any operation on fresh inputs (`prepare` makes them). */
type Measured =
  | { claim: (c: { keyId: string; authdate: string; nonce: string; expiresAt: number; now: number }) => Promise<boolean> }
  | { op: (i: number) => Promise<unknown>; prepare?: (ops: number) => void };

let sequence = 0;
/**
 * Rounds of raw then the measured operation (alternating which goes first), each on fresh keys, with Redis emptied
 * in between. `budget`: the least ratio the issue asks for (PASS/FAIL).
 */
async function measure(
  name: string,
  concurrency: number,
  ops: number,
  raw: (key: string) => Promise<unknown>,
  store: Measured,
  flush: () => Promise<unknown>,
  budget?: number,
): Promise<void> {
  const tag = `${process.pid}-${sequence++}`;
  let round = 0;
  // The same keys, byte for byte, as the store's (its prefix and JSON array), so Redis does the same work for both.
  const rawOp = (i: number) => raw(`reqsign:nog:nonce:["raw","${tag}","${round}:${i}"]`);
  const now = Date.now();
  const storeOp =
    'claim' in store
      ? (i: number) => store.claim({ keyId: 'store', authdate: tag, nonce: `${round}:${i}`, expiresAt: now + 600_000, now })
      : store.op;
  const prepare = 'claim' in store ? undefined : store.prepare;
  // Warm up both paths.
  round = -1;
  await run(rawOp, ops, concurrency);
  prepare?.(ops);
  await run(storeOp, ops, concurrency);
  const raws: Run[] = [];
  const stores: Run[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    round = r;
    if (r % 5 === 0) await flush();
    prepare?.(ops);
    let a: Run;
    let b: Run;
    if (r % 2 === 0) {
      a = await run(rawOp, ops, concurrency);
      b = await run(storeOp, ops, concurrency);
    } else {
      b = await run(storeOp, ops, concurrency);
      a = await run(rawOp, ops, concurrency);
    }
    raws.push(a);
    stores.push(b);
    ratios.push(b.perSecond / a.perSecond);
  }
  const med = (xs: Run[]): Run => ({
    perSecond: median(xs.map((x) => x.perSecond)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
  });
  rows.push({ name, concurrency, raw: med(raws), store: med(stores), ratio: median(ratios), budget });
  const last = rows.at(-1)!;
  console.error(`${name} @${concurrency}: ratio ${last.ratio.toFixed(2)}`);
}

const setArgs = (key: string): string[] => ['SET', key, '1', 'NX', 'PX', TTL];

const server = await startRedisServer();
const cluster = await startRedisCluster({ primaries: 3, replicas: 1, nodeTimeoutMs: 5000 });
type Client = { sendCommand(args: string[]): Promise<unknown>; destroy(): void };
type Cluster = {
  sendCommand(key: string, readonly: boolean, args: string[]): Promise<unknown>;
  slots: Array<{ master: { client?: Client } }>;
  destroy(): void;
};
const client = (await connect({ kind: 'client', url: server.url })) as unknown as Client;
const clusterClient = (await connect({ kind: 'cluster', rootNodes: cluster.rootNodes })) as unknown as Cluster;
const storeOf = (c: unknown, options: Omit<RedisNonceStoreOptions, 'client'> = {}) =>
  createRedisNonceStore({ client: c as RedisNonceStoreOptions['client'], timeoutMs: 10_000, ...options });
const flushSingle = () => client.sendCommand(['FLUSHALL']);
const flushCluster = () => Promise.all(cluster.nodes.slice(0, 3).map((n) => cluster.command(n, ['FLUSHALL']).catch(() => {})));

/**
 * The raw primitive of `durability`: the SETs one tick sends on a connection, then one `WAIT 1` on it; each SET is
 * answered when its batch's WAIT is (the store adds a CLIENT INFO before and after, to prove one connection).
 */
function rawDurable(clientOf: (key: string) => Client): (key: string) => Promise<unknown> {
  const waits = new Map<Client, Promise<unknown>>();
  return (key) => {
    const c = clientOf(key);
    const set = c.sendCommand(setArgs(key));
    let wait = waits.get(c);
    if (wait === undefined) {
      wait = Promise.resolve().then(() => {
        waits.delete(c);
        return c.sendCommand(['WAIT', '1', '5000']);
      });
      waits.set(c, wait);
    }
    return Promise.all([set, wait]);
  };
}

/** A whole verification with a Redis store: fresh signed URLs (a random nonce each), signed before each batch. */
function wholeVerify(store: RedisNonceStore): Measured {
  const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
  let urls: string[] = [];
  return {
    prepare: (ops) => {
      urls = Array.from({ length: ops }, (_, i) => signSync('GET', `/api/items/${i}?format=v1`, KEY, { expires: 600 }).url);
    },
    op: async (i) => {
      const result = await verifier.verify('GET', urls[i]!);
      if (!result.ok) throw new Error(`bench: verification failed: ${result.code}`);
    },
  };
}

/** The A/A row: the raw primitive against itself, on fresh keys: the noise of the table. */
function rawAgain(raw: (key: string) => Promise<unknown>): Measured {
  let n = 0;
  const tag = `${process.pid}-aa`;
  return { op: () => raw(`reqsign:nog:nonce:["raw","${tag}","${n++}"]`) };
}

try {
  for (const [concurrency, ops] of [
    [1000, 10_000],
    [50, 5000],
  ] as const) {
    const rawSingle = (k: string) => client.sendCommand(setArgs(k));
    await measure('A/A: raw SET vs raw SET', concurrency, ops, rawSingle, rawAgain(rawSingle), flushSingle);
    await measure('single server', concurrency, ops, rawSingle, storeOf(client), flushSingle);
    await measure('single server: whole verify', concurrency, ops, rawSingle, wholeVerify(storeOf(client)), flushSingle, 0.75);
    // Raw SETs straight to the primary of each key's slot, on the connections the store uses.
    const rawCluster = (k: string) => clusterClient.slots[keySlot(k)]!.master.client!.sendCommand(setArgs(k));
    await measure('cluster (3 primaries)', concurrency, ops, rawCluster, storeOf(clusterClient), flushCluster);
    await measure('cluster: whole verify', concurrency, ops, rawCluster, wholeVerify(storeOf(clusterClient)), flushCluster, 0.75);
    const rawClusterDurable = rawDurable((k) => clusterClient.slots[keySlot(k)]!.master.client!);
    await measure('A/A: raw SET + WAIT 1 vs itself', concurrency, ops, rawClusterDurable, rawAgain(rawClusterDurable), flushCluster);
    await measure(
      'cluster + durability vs raw SET + WAIT 1',
      concurrency,
      ops,
      rawClusterDurable,
      storeOf(clusterClient, { durability: { replicas: 1 } }),
      flushCluster,
      0.8,
    );
    // For reference, in the "store" column: the same raw SETs through the cluster client's own routing.
    const routed = {
      claim: (c: { keyId: string; authdate: string; nonce: string }) => {
        const key = `reqsign:nog:nonce:${JSON.stringify([c.keyId, c.authdate, c.nonce])}`;
        return clusterClient.sendCommand(key, false, setArgs(key)) as Promise<boolean>;
      },
    };
    await measure('cluster: raw SET via cluster.sendCommand (reference)', concurrency, ops, rawCluster, routed, flushCluster);
  }
} finally {
  client.destroy();
  clusterClient.destroy();
  await cluster.stop();
  await server.stop();
}

const f = (n: number, digits = 2) => n.toFixed(digits);
console.log(
  `\nRedis nonce store vs raw pipelined SET NX PX (same client, same concurrency), medians of ${ROUNDS} rounds, loopback; the A/A rows measure the raw primitive against itself (the noise)\n`,
);
console.log('| scenario | in flight | raw claims/s | store claims/s | ratio | budget | verdict | raw p50 / p99 ms | store p50 / p99 ms |');
console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|');
let failed = 0;
for (const r of rows) {
  const verdict = r.budget === undefined ? '' : r.ratio >= r.budget ? 'PASS' : 'FAIL';
  if (verdict === 'FAIL') failed++;
  console.log(
    `| ${r.name} | ${r.concurrency} | ${Math.round(r.raw.perSecond)} | ${Math.round(r.store.perSecond)} | ${f(r.ratio)}x | ` +
      `${r.budget === undefined ? '-' : `>= ${r.budget}x`} | ${verdict} | ` +
      `${f(r.raw.p50, 3)} / ${f(r.raw.p99, 3)} | ${f(r.store.p50, 3)} / ${f(r.store.p99, 3)} |`,
  );
}
if (failed > 0) {
  console.log(`${failed} under budget`);
  process.exitCode = 1;
}
