/**
 * Claims per second and latency of the Redis nonce store against the raw primitive it wraps, measured in the same
 * run with the same concurrency: raw pipelined `SET key 1 NX PX <ttl>` of the same keys on the same connections (for
 * a cluster, straight to the primary of each key's slot, as the store sends them). Servers are started here, on
 * loopback: one redis-server, and a Redis Cluster of 3 primaries with a replica each. One more row, for reference:
 * the same raw SETs through node-redis's own cluster routing (`cluster.sendCommand`).
 *
 * Each scenario keeps `concurrency` claims in flight (a closed loop: each answer starts the next claim) for `ops`
 * claims; rounds alternate raw and store, and the table shows medians over the rounds. Wall-clock time, because the
 * cost includes Redis's own; the ratio is store claims/s over raw claims/s. Beside each rate, where its time goes:
 * this process's CPU per operation (`process.cpuUsage`: the Redis client, the store, the verification and the bench
 * loop) and Redis's (`INFO CPU` of every server of the set-up, before and after the run). On a 2-core machine
 * redis-server takes one core and this process the other, so the side with more CPU per operation sets the rate.
 *
 * The "verify alone" row is the ceiling of a whole verification: the same verifier and URLs with a store that answers
 * `true` at once (no Redis), against raw SETs. A whole verify with any store can go no faster than that.
 *
 * The table is written into the README (`bench-nogredis:performance`, scripts/lib/bench-docs.mjs), stamped with the
 * machine, Node version, commit and date; tests/docs/test/doc-numbers.test.ts checks it against its run.
 *
 *   npm run bench -w @reqsign/nog-redis        (node --import tsx bench/nog-redis.bench.ts)
 */
import { createVerifier, signSync } from '@reqsign/nog';
import { loadavg } from 'node:os';
import { stamp, writeBenchRegions } from '../../../scripts/lib/bench-docs.mjs';
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
  /** This process's CPU time per operation, microseconds. */
  cpuUs: number;
  /** The Redis servers' CPU time per operation, microseconds. */
  redisUs: number;
}

const gc = (globalThis as { gc?: (options: { type: 'minor' | 'major' }) => void }).gc;
const freshYoung = (): void => gc?.({ type: 'minor' });

const cpuMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** `ops` calls of `op(i)`, `concurrency` at a time; every call's latency in ms. `redisCpu`: the servers' CPU seconds. */
async function run(op: (i: number) => Promise<unknown>, ops: number, concurrency: number, redisCpu: () => Promise<number>): Promise<Run> {
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
  const redisBefore = await redisCpu();
  // Each run starts from an empty young generation (untimed), so that neither side is charged for collecting the
  // other's garbage (the bench runs with --expose-gc).
  freshYoung();
  const cpuBefore = cpuMicros();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  const cpu = cpuMicros() - cpuBefore;
  const redis = (await redisCpu()) - redisBefore;
  latencies.sort();
  return {
    perSecond: (ops / elapsed) * 1000,
    p50: latencies[Math.floor(ops * 0.5)]!,
    p99: latencies[Math.floor(ops * 0.99)]!,
    cpuUs: cpu / ops,
    redisUs: (redis * 1e6) / ops,
  };
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
  servers: Servers,
  budget?: number,
): Promise<void> {
  const { flush, cpu } = servers;
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
  await run(rawOp, ops, concurrency, cpu);
  prepare?.(ops);
  await run(storeOp, ops, concurrency, cpu);
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
      a = await run(rawOp, ops, concurrency, cpu);
      b = await run(storeOp, ops, concurrency, cpu);
    } else {
      b = await run(storeOp, ops, concurrency, cpu);
      a = await run(rawOp, ops, concurrency, cpu);
    }
    raws.push(a);
    stores.push(b);
    ratios.push(b.perSecond / a.perSecond);
  }
  const med = (xs: Run[]): Run => ({
    perSecond: median(xs.map((x) => x.perSecond)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    cpuUs: median(xs.map((x) => x.cpuUs)),
    redisUs: median(xs.map((x) => x.redisUs)),
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
const redisVersion = /^redis_version:(\S+)/m.exec(String(await client.sendCommand(['INFO', 'SERVER'])))?.[1] ?? 'unknown';
const clusterClient = (await connect({ kind: 'cluster', rootNodes: cluster.rootNodes })) as unknown as Cluster;
const storeOf = (c: unknown, options: Omit<RedisNonceStoreOptions, 'client'> = {}) =>
  createRedisNonceStore({ client: c as RedisNonceStoreOptions['client'], timeoutMs: 10_000, ...options });
/** Emptying a set-up's data between rounds, and its servers' CPU seconds so far (`INFO CPU`, user + system). */
interface Servers {
  flush(): Promise<unknown>;
  cpu(): Promise<number>;
}
const cpuOf = (info: unknown): number => {
  const text = String(info);
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
};
const single: Servers = {
  flush: () => client.sendCommand(['FLUSHALL']),
  cpu: async () => cpuOf(await client.sendCommand(['INFO', 'CPU'])),
};
// Every node of the cluster, replicas too (they apply the primaries' writes).
const clustered: Servers = {
  flush: () => Promise.all(cluster.nodes.slice(0, 3).map((n) => cluster.command(n, ['FLUSHALL']).catch(() => {}))),
  cpu: async () =>
    (await Promise.all(cluster.nodes.map(async (n) => cpuOf(await cluster.command(n, ['INFO', 'CPU']))))).reduce((a, b) => a + b, 0),
};

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
function wholeVerify(store: Pick<RedisNonceStore, 'claim'>): Measured {
  const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
  let urls: string[] = [];
  return {
    prepare: (ops) => {
      // Flat strings, as an HTTP parser hands a URL over (signSync returns one joined from parts).
      urls = Array.from({ length: ops }, (_, i) =>
        Buffer.from(signSync('GET', `/api/items/${i}?format=v1`, KEY, { expires: 600 }).url, 'latin1').toString('latin1'),
      );
    },
    op: async (i) => {
      const result = await verifier.verify('GET', urls[i]!);
      if (!result.ok) throw new Error(`bench: verification failed: ${result.code}`);
    },
  };
}

/** The ceiling of a whole verification: the same verifier and URLs with a store that answers at once, no Redis. */
function verifyAlone(): Measured {
  return wholeVerify({ claim: () => Promise.resolve(true) } as unknown as RedisNonceStore);
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
    await measure('A/A: raw SET vs raw SET', concurrency, ops, rawSingle, rawAgain(rawSingle), single);
    await measure('single server', concurrency, ops, rawSingle, storeOf(client), single);
    await measure(
      'single server: verify alone, a store that answers at once (ceiling)',
      concurrency,
      ops,
      rawSingle,
      verifyAlone(),
      single,
    );
    await measure('single server: whole verify', concurrency, ops, rawSingle, wholeVerify(storeOf(client)), single, 0.75);
    // Raw SETs straight to the primary of each key's slot, on the connections the store uses.
    const rawCluster = (k: string) => clusterClient.slots[keySlot(k)]!.master.client!.sendCommand(setArgs(k));
    await measure('cluster (3 primaries)', concurrency, ops, rawCluster, storeOf(clusterClient), clustered);
    await measure('cluster: whole verify', concurrency, ops, rawCluster, wholeVerify(storeOf(clusterClient)), clustered, 0.75);
    const rawClusterDurable = rawDurable((k) => clusterClient.slots[keySlot(k)]!.master.client!);
    await measure('A/A: raw SET + WAIT 1 vs itself', concurrency, ops, rawClusterDurable, rawAgain(rawClusterDurable), clustered);
    await measure(
      'cluster + durability vs raw SET + WAIT 1',
      concurrency,
      ops,
      rawClusterDurable,
      storeOf(clusterClient, { durability: { replicas: 1 } }),
      clustered,
      0.8,
    );
    // For reference, in the "store" column: the same raw SETs through the cluster client's own routing.
    const routed = {
      claim: (c: { keyId: string; authdate: string; nonce: string }) => {
        const key = `reqsign:nog:nonce:${JSON.stringify([c.keyId, c.authdate, c.nonce])}`;
        return clusterClient.sendCommand(key, false, setArgs(key)) as Promise<boolean>;
      },
    };
    await measure('cluster: raw SET via cluster.sendCommand (reference)', concurrency, ops, rawCluster, routed, clustered);
  }
} finally {
  client.destroy();
  clusterClient.destroy();
  await cluster.stop();
  await server.stop();
}

const f = (n: number, digits = 2) => n.toFixed(digits);
const columns = [
  'scenario',
  'in flight',
  'raw /s',
  'measured /s',
  'ratio',
  'budget',
  'this process CPU us/op, raw / measured',
  'Redis CPU us/op, raw / measured',
  'p50 / p99 ms, raw / measured',
];
const table = rows.map((r) => {
  const verdict = r.budget === undefined ? '' : r.ratio >= r.budget ? ' PASS' : ' FAIL';
  return [
    r.name,
    String(r.concurrency),
    String(Math.round(r.raw.perSecond)),
    String(Math.round(r.store.perSecond)),
    `${f(r.ratio)}x`,
    r.budget === undefined ? '-' : `>= ${r.budget}x${verdict}`,
    `${f(r.raw.cpuUs)} / ${f(r.store.cpuUs)}`,
    `${f(r.raw.redisUs)} / ${f(r.store.redisUs)}`,
    `${f(r.raw.p50, 2)} / ${f(r.raw.p99, 2)}, ${f(r.store.p50, 2)} / ${f(r.store.p99, 2)}`,
  ];
});
console.log(
  `\nRedis nonce store vs raw pipelined SET NX PX (same client, same concurrency), medians of ${ROUNDS} rounds, loopback; the A/A rows measure the raw primitive against itself (the noise)\n`,
);
console.log(`| ${columns.join(' | ')} |`);
console.log(`|${columns.map(() => '---').join('|')}|`);
for (const row of table) console.log(`| ${row.join(' | ')} |`);
const failed = rows.filter((r) => r.budget !== undefined && r.ratio < r.budget).length;
// The README's table is this run's, stamped with where and when it ran.
const changed = writeBenchRegions(new URL('../README.md', import.meta.url), 'bench-nogredis', {
  performance: {
    command: 'npm run bench -w @reqsign/nog-redis',
    ...stamp(),
    load: loadavg()[0]!.toFixed(1),
    note:
      `medians of ${ROUNDS} alternating rounds on loopback, one redis-server and a cluster of 3 primaries with a replica each (Redis ${redisVersion}, node-redis 6); ` +
      'raw is pipelined SET key 1 NX PX on the same connections with as many in flight; a missed budget ends the run with exit status 1',
    columns,
    rows: table,
  },
});
console.log(changed ? 'rewrote the performance table of packages/nog-redis/README.md' : 'packages/nog-redis/README.md: unchanged');
if (failed > 0) {
  console.log(`${failed} under budget`);
  process.exitCode = 1;
}
