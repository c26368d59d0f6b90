import { afterEach, describe, expect, it } from 'vitest';
import { createRedisNonceStore, type NonceStoreError, type RedisNonceStore } from '@reqsign/nog-redis';
import { createClient } from 'redis';
import { connect, REDIS_MAJORS } from './helpers/connect.mjs';
import { startRedisCluster } from './helpers/redisCluster.js';
import { startRedisSentinel } from './helpers/redisSentinel.js';
import { startRedisServer, type RedisServer } from './helpers/redisServer.js';
import { startRelay, type Relay } from './helpers/relay.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { until } from './helpers/until.js';

requirePrograms('redis-server');

/**
 * Durability at the connection level (issue 29): a batch's WAIT must come from the connection that carried its SETs.
 * Each test holds the replica's replication stream in a relay (connected, acknowledging an old offset: behind), kills
 * the store's connection with CLIENT KILL while its WAIT is pending, then kills the primary and promotes the replica,
 * which never got the held writes. node-redis re-sends a command that failed with its connection (a Sentinel lease
 * retries it on the new one): the WAIT answered there covers no write. The nonce must not be accepted twice.
 */

const HOUR = 3_600_000;
let n = 0;
const claimOf = (nonce: string) => ({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce, expiresAt: Date.now() + HOUR, now: Date.now() });

/** Admin connections by port (plain, straight to the server, never through the relay). */
const admins = new Map<number, ReturnType<typeof createClient>>();
async function admin(port: number, args: string[]): Promise<unknown> {
  let client = admins.get(port);
  if (client === undefined) {
    client = createClient({ url: `redis://127.0.0.1:${port}`, RESP: 2, socket: { connectTimeout: 1000, reconnectStrategy: () => 50 } });
    client.on('error', () => {});
    admins.set(port, client);
    await client.connect();
  }
  return client.sendCommand(args);
}

/** A topology with one primary whose replica replicates through a relay, and the store's client of one major and protocol. */
interface Rig {
  readonly relay: Relay;
  /** The primary and its replica (real ports: admin commands go straight to them). */
  readonly primary: RedisServer;
  readonly replica: RedisServer;
  /** A store on the client under test; the claims it is given must live on `primary` (`nonce()` picks them). */
  store(options: { timeoutMs: number; durability?: { replicas: number; timeoutMs: number } }): RedisNonceStore;
  nonce(): Promise<string>;
  /** The replica made primary (the old one is dead), and a store with no durability on a client that reaches it. */
  promote(): Promise<RedisNonceStore>;
  stop(): Promise<void>;
}

type Spec = { redis: string; resp: 2 | 3 };
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const c of admins.values()) c.destroy();
  admins.clear();
});

async function single({ redis, resp }: Spec): Promise<Rig> {
  const primary = await startRedisServer({ args: () => ['--repl-diskless-sync-delay', '0'] });
  const relay = await startRelay(primary.port);
  const replica = await startRedisServer({ args: () => ['--replicaof', '127.0.0.1', String(relay.port)] });
  closers.push(
    () => primary.stop(),
    () => replica.stop(),
    () => relay.close(),
  );
  await until(
    'the replica to sync',
    async () =>
      /master_link_status:up[\s\S]*master_sync_in_progress:0/.test(String(await admin(replica.port, ['INFO', 'replication']))) || undefined,
  );
  const client = (await connect({ redis, resp, kind: 'client', url: primary.url })) as { destroy(): void };
  closers.push(() => client.destroy());
  return {
    relay,
    primary,
    replica,
    store: (options) => createRedisNonceStore({ client: client as never, ...options }),
    nonce: async () => `n${++n}`,
    async promote() {
      await admin(replica.port, ['REPLICAOF', 'NO', 'ONE']);
      const next = (await connect({ redis, resp, kind: 'client', url: replica.url })) as { destroy(): void };
      closers.push(() => next.destroy());
      return createRedisNonceStore({ client: next as never, timeoutMs: 5000 });
    },
    stop: async () => {},
  };
}

async function sentinel({ redis, resp }: Spec): Promise<Rig> {
  const set = await startRedisSentinel({ replicas: 1, relay: true });
  closers.push(() => set.stop());
  const primary = set.servers[0]!;
  const replica = set.servers[1]!;
  const client = (await connect({ redis, resp, kind: 'sentinel', name: set.name, sentinels: [...set.sentinels] })) as { destroy(): void };
  closers.push(() => client.destroy());
  return {
    relay: set.relay!,
    primary,
    replica,
    store: (options) => createRedisNonceStore({ client: client as never, ...options }),
    nonce: async () => `n${++n}`,
    async promote() {
      await set.command(set.sentinelPort, ['SENTINEL', 'FAILOVER', set.name]);
      await until('the sentinel to name the replica', async () => {
        const [, port] = (await set.command(set.sentinelPort, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', set.name])) as string[];
        return Number(port) === replica.port || undefined;
      });
      const store = createRedisNonceStore({ client: client as never, timeoutMs: 5000 });
      // The client follows the new primary by itself (a probe claim, on a nonce of its own, answers once it has).
      await until('the client to follow the new primary', async () => (await store.claim(claimOf(`probe${++n}`))) || undefined);
      return store;
    },
    stop: async () => {},
  };
}

async function cluster({ redis, resp }: Spec): Promise<Rig> {
  const c = await startRedisCluster({ primaries: 3, replicas: 1, relayShard: 0 });
  closers.push(() => c.stop());
  const primaryNode = c.nodes[0]!;
  const replicaNode = (await c.replicasOf(primaryNode))[0]!;
  const client = (await connect({ redis, resp, kind: 'cluster', rootNodes: [...c.rootNodes] })) as { destroy(): void };
  closers.push(() => client.destroy());
  let store: RedisNonceStore | undefined;
  return {
    relay: c.relay!,
    primary: primaryNode.server,
    replica: replicaNode.server,
    store: (options) => (store = createRedisNonceStore({ client: client as never, ...options })),
    // A nonce whose key lives on shard 0 (Redis says which slot: CLUSTER KEYSLOT).
    async nonce() {
      for (;;) {
        const nonce = `n${++n}`;
        const key = (store ?? createRedisNonceStore({ client: client as never })).keyFor(claimOf(nonce));
        const slot = Number(await c.command(replicaNode, ['CLUSTER', 'KEYSLOT', key]));
        if (c.shardOf(slot) === 0) return nonce;
      }
    },
    async promote() {
      await c.takeover(replicaNode);
      // A new cluster client learns the new slot map at once (node-redis 5 would not by itself).
      const next = (await connect({ redis, resp, kind: 'cluster', rootNodes: [{ url: replicaNode.server.url }] })) as { destroy(): void };
      closers.push(() => next.destroy());
      return createRedisNonceStore({ client: next as never, timeoutMs: 5000 });
    },
    stop: async () => {},
  };
}

const TOPOLOGIES = { 'one server': single, Sentinel: sentinel, Cluster: cluster } as const;

/** The store's connection on the primary: the one whose command is WAIT. */
async function waitingConnection(primary: RedisServer): Promise<{ id: string; resp: string }> {
  return until(
    'the WAIT to be pending',
    async () => {
      const list = String(await admin(primary.port, ['CLIENT', 'LIST']));
      const line = list.split('\n').find((l) => / cmd=wait\b/.test(l));
      if (line === undefined) return undefined;
      return { id: /\bid=(\d+)/.exec(line)![1]!, resp: /\bresp=(\d)/.exec(line)![1]! };
    },
    20_000,
  );
}

describe('durability fails closed when the WAIT did not come from the connection that carried the SETs', () => {
  for (const [topology, rigOf] of Object.entries(TOPOLOGIES)) {
    for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
      for (const resp of [2, 3] as const) {
        it(`${topology}, node-redis ${major}, RESP${resp}: a held replica fails claims closed; CLIENT KILL during WAIT fails the claim closed; after promotion no nonce is accepted twice`, async () => {
          const rig = await rigOf({ redis, resp });
          // WAIT may pend for 8 s: time enough to find and kill its connection on a loaded machine.
          const store = rig.store({ timeoutMs: 30_000, durability: { replicas: 1, timeoutMs: 8000 } });
          const brief = rig.store({ timeoutMs: 5000, durability: { replicas: 1, timeoutMs: 300 } });
          // Working: a claim is acknowledged by the replica.
          expect(await store.claim(claimOf(await rig.nonce()))).toBe(true);

          // Held: the replica stays connected and acknowledges an old offset, so nothing new is acknowledged.
          rig.relay.hold();
          const held = await Promise.allSettled([brief.claim(claimOf(await rig.nonce()))]);
          expect(((held[0] as PromiseRejectedResult).reason as NonceStoreError).code).toBe('ERR_NONCE_STORE_UNAVAILABLE');
          expect(brief.metrics().reasons.replicas).toBe(1);
          // The cause says what WAIT counted, against what, in how long: what an operator needs from the 503's log.
          expect((((held[0] as PromiseRejectedResult).reason as NonceStoreError).cause as Error).message).toBe(
            'WAIT counted fewer replicas than durability.replicas: 0 of 1 within 300 ms',
          );
          const info = String(await admin(rig.primary.port, ['INFO', 'replication']));
          const behind = Number(/master_repl_offset:(\d+)/.exec(info)![1]) - Number(/slave0:.*offset=(\d+)/.exec(info)![1]);
          expect(info).toMatch(/connected_slaves:1/);
          expect(behind).toBeGreaterThan(0);

          // CLIENT KILL of the store's connection while its WAIT is pending.
          const nonce = await rig.nonce();
          const first = Promise.allSettled([store.claim(claimOf(nonce))]);
          const victim = await waitingConnection(rig.primary);
          expect(victim.resp).toBe(String(resp));
          await admin(rig.primary.port, ['CLIENT', 'KILL', 'ID', victim.id]);
          const [outcome] = await first;
          const replication = String(await admin(rig.primary.port, ['INFO', 'replication']));
          expect(replication).toMatch(/connected_slaves:1/);

          // The primary dies with the held stream; the replica, which never got those writes, is promoted.
          await rig.primary.stop();
          await rig.relay.close();
          const after = await rig.promote();
          const again = await after.claim(claimOf(nonce));
          const acceptances = (outcome!.status === 'fulfilled' && outcome!.value ? 1 : 0) + (again ? 1 : 0);
          expect({ outcome: outcome!.status === 'fulfilled' ? outcome!.value : 'failed', acceptances }).toMatchObject({ acceptances: 1 });
          expect(outcome!.status).toBe('rejected');
          const error = (outcome as PromiseRejectedResult).reason as NonceStoreError;
          expect(error).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE' });
          expect(error.cause).toBeInstanceOf(Error);
          expect(store.metrics().reasons).toMatchObject({ error: 1, replicas: 0 });
          // Sentinel re-sent the WAIT (and the CLIENT INFO after it) on a new connection: the store saw the change.
          // A client or a cluster node rejects a WAIT whose connection broke, and never re-sends it.
          if (topology === 'Sentinel') expect((error.cause as Error).message).toMatch(/WAIT was answered on another connection/);
        }, 120_000);
      }
    }
  }
});

describe('durability needs CLIENT INFO to tell the connection', () => {
  for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
    it(`node-redis ${major}: an ACL user without +client|info gets every durable claim refused (reason error, NOPERM in the cause); with it, the batch goes on to WAIT`, async () => {
      const primary = await startRedisServer({ args: () => ['--repl-diskless-sync-delay', '0'] });
      const replica = await startRedisServer({ args: () => ['--replicaof', '127.0.0.1', String(primary.port)] });
      closers.push(
        () => primary.stop(),
        () => replica.stop(),
      );
      await until(
        'the replica to sync',
        async () =>
          /master_link_status:up[\s\S]*master_sync_in_progress:0/.test(String(await admin(replica.port, ['INFO', 'replication']))) ||
          undefined,
      );
      const storeFor = async (user: string, rules: string[]) => {
        await admin(primary.port, ['ACL', 'SETUSER', user, 'on', '>secret-of-test', '~*', '-@all', '+hello', '+set', '+wait', ...rules]);
        const client = (await connect({ redis, kind: 'client', url: `redis://${user}:secret-of-test@127.0.0.1:${primary.port}` })) as {
          destroy(): void;
        };
        closers.push(() => client.destroy());
        return createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability: { replicas: 1, timeoutMs: 5000 } });
      };
      const denied = await storeFor('no-info', []);
      const [refused] = await Promise.allSettled([denied.claim(claimOf(`acl${++n}`))]);
      const error = (refused as PromiseRejectedResult).reason as NonceStoreError;
      expect(error).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE' });
      expect(denied.metrics().reasons.error).toBe(1);
      expect((error.cause as Error).message).toBe('CLIENT INFO before the batch failed');
      expect(String(((error.cause as Error).cause as Error).message)).toMatch(/^NOPERM/);
      expect(error.message).not.toContain('secret-of-test');

      const allowed = await storeFor('with-info', ['+client|info']);
      expect(await allowed.claim(claimOf(`acl${++n}`))).toBe(true);
    }, 60_000);
  }
});

describe('the connection check reads CLIENT INFO in every reply form', () => {
  for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
    for (const resp of [2, 3] as const) {
      it(`node-redis ${major}, RESP${resp}: strings, Buffers and VerbatimStrings (type mappings) all let an acknowledged claim through`, async () => {
        const primary = await startRedisServer({ args: () => ['--repl-diskless-sync-delay', '0'] });
        const replica = await startRedisServer({ args: () => ['--replicaof', '127.0.0.1', String(primary.port)] });
        closers.push(
          () => primary.stop(),
          () => replica.stop(),
        );
        await until(
          'the replica to sync',
          async () =>
            /master_link_status:up[\s\S]*master_sync_in_progress:0/.test(String(await admin(replica.port, ['INFO', 'replication']))) ||
            undefined,
        );
        const module = (await import(redis)) as typeof import('redis');
        const { RESP_TYPES, VerbatimString } = module;
        const client = (await connect({ redis, resp, kind: 'client', url: primary.url })) as ReturnType<typeof createClient>;
        closers.push(() => client.destroy());
        const mappings = [
          {},
          { [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.SIMPLE_STRING]: Buffer, [RESP_TYPES.VERBATIM_STRING]: Buffer },
          { [RESP_TYPES.VERBATIM_STRING]: VerbatimString },
        ];
        for (const mapping of mappings) {
          const mapped = client.withTypeMapping(mapping);
          const store = createRedisNonceStore({ client: mapped as never, timeoutMs: 10_000, durability: { replicas: 1, timeoutMs: 5000 } });
          const nonce = `map${++n}`;
          expect(await store.claim(claimOf(nonce))).toBe(true);
          expect(await store.claim(claimOf(nonce))).toBe(false);
          // The replica has it: the WAIT that acknowledged it covered it.
          expect(Number(await admin(replica.port, ['EXISTS', store.keyFor(claimOf(nonce))]))).toBe(1);
        }
      }, 60_000);
    }
  }
});
