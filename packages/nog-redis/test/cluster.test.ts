import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '@reqsign/nog';
import { createRedisNonceStore } from '@reqsign/nog-redis';
import type { createCluster } from 'redis';
import { nonceKey } from '../src/internal/key.js';
import { keySlot } from '../src/internal/slot.js';
import { connect, REDIS_MAJORS } from './helpers/connect.mjs';
import { startVerifier, type VerifierProcess, type Verification } from './helpers/fleet.js';
import { startRedisCluster, type RedisCluster } from './helpers/redisCluster.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Cluster = ReturnType<typeof createCluster>;

/** The slot of a signed URL's nonce, with the default prefix. */
function slotOf(url: string): number {
  const q = new URL(url, 'http://x').searchParams;
  return keySlot(nonceKey('reqsign:nog:nonce:', q.get('authkeyid')!, q.get('authdate')!, q.get('authnonce')!));
}

describe('a Redis Cluster of 3 primaries, each with a replica', () => {
  let cluster: RedisCluster;
  const clients: Cluster[] = [];
  const processes: VerifierProcess[] = [];
  let n = 0;
  const claimOf = (nonce = `n${++n}`) => ({
    keyId: 'k',
    authdate: '2015-04-20T123456Z',
    nonce,
    expiresAt: Date.now() + HOUR,
    now: Date.now(),
  });
  const clusterClient = async (redis = 'redis'): Promise<Cluster> => {
    const client = (await connect({ redis, kind: 'cluster', rootNodes: cluster.rootNodes })) as Cluster;
    clients.push(client);
    return client;
  };
  const verifiers = async (count: number, ...args: Parameters<typeof startVerifier>) => {
    const started = await Promise.all(Array.from({ length: count }, () => startVerifier(...args)));
    processes.push(...started);
    return started;
  };

  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicas: 1, nodeTimeoutMs: 5000 });
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.close()));
    for (const c of clients) c.destroy();
    await cluster?.stop();
  });

  for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
    it(`node-redis ${major}: accepts exactly one of 1,000 concurrent verifications of one signed request across two verifier processes, with and without durability`, async () => {
      for (const durability of [undefined, { replicas: 1 }]) {
        // What is under test is atomicity, not speed: a time limit no busy machine reaches.
        const fleet = await verifiers(2, { redis, kind: 'cluster', rootNodes: cluster.rootNodes }, { durability, timeoutMs: 10_000 });
        const { url } = await sign('GET', `/api/blobs/${major}?durable=${durability !== undefined}`, KEY);
        const results = (await Promise.all(fleet.map((p) => p.verify(Array.from({ length: 500 }, () => url))))).flat();
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.code === 'ERR_AUTH_NONCE_INVALID')).toHaveLength(999);
        const metrics = await Promise.all(fleet.map((p) => p.metrics()));
        expect(metrics.reduce((sum, m) => sum + m.accepted, 0)).toBe(1);
        expect(metrics.reduce((sum, m) => sum + m.replays, 0)).toBe(999);
      }
    });
  }

  it('puts each claim in its own key on the primary of its slot, so claims spread over every primary', async () => {
    const client = await clusterClient();
    const store = createRedisNonceStore({ client, prefix: 'spread:' });
    const claims = Array.from({ length: 300 }, () => claimOf());
    expect(await Promise.all(claims.map((c) => store.claim(c)))).toEqual(claims.map(() => true));
    const perPrimary = new Map<number, number>();
    for (const c of claims) {
      const key = store.keyFor(c);
      const primary = await cluster.primaryOf(keySlot(key));
      // The slot the store routes by is the one Redis computes.
      expect(await cluster.command(primary, ['CLUSTER', 'KEYSLOT', key])).toBe(keySlot(key));
      expect(await cluster.command(primary, ['EXISTS', key])).toBe(1);
      perPrimary.set(primary.port, (perPrimary.get(primary.port) ?? 0) + 1);
    }
    expect(perPrimary.size).toBe(3);
    for (const count of perPrimary.values()) expect(count).toBeGreaterThan(50);
  });

  it('follows a slot moved to another primary: a claim is re-sent there; a durable batch fails closed once, and the next claims go to the new primary', async () => {
    // Every key of these stores in one slot (a hash tag in the prefix), on a primary; the slot then moves.
    const prefix = '{moved}:';
    const slot = keySlot(prefix);
    const from = await cluster.primaryOf(slot);
    const to = await cluster.primaryOf(cluster.firstSlotOf((cluster.shardOf(slot) + 1) % 3));
    const plainClient = await clusterClient();
    const [plain, durable] = [
      createRedisNonceStore({ client: plainClient, prefix }),
      createRedisNonceStore({ client: await clusterClient(), prefix, durability: { replicas: 1 } }),
    ];
    const before = claimOf();
    expect(await plain.claim(before)).toBe(true);
    expect(await durable.claim(claimOf())).toBe(true);
    await cluster.moveSlot(slot, to);
    try {
      // The plain store sends straight to `from`, which answers MOVED (the SET did not run), and re-sends the same
      // command, the same tag, through the cluster client: what `to` stores is the tag first sent to `from`.
      const node = plainClient.slots[slot]!.master.client!;
      const send = node.sendCommand;
      const sent: string[][] = [];
      node.sendCommand = function (this: unknown, ...args: Parameters<typeof send>) {
        sent.push(args[0] as string[]);
        return send.apply(this, args);
      } as typeof send;
      const moved = claimOf();
      try {
        expect(await plain.claim(moved)).toBe(true);
      } finally {
        node.sendCommand = send;
      }
      const sets = sent.filter((args) => args[0] === 'SET' && args[1] === plain.keyFor(moved));
      expect(sets.length).toBeGreaterThan(0);
      for (const args of sets) expect(args).toEqual(sets[0]);
      expect(await cluster.command(to, ['GET', plain.keyFor(moved)])).toBe(sets[0]![2]);
      // The durable client still thinks the slot is on `from`, which now answers MOVED.
      const r = await Promise.allSettled([durable.claim(claimOf())]);
      expect(r[0]).toMatchObject({ status: 'rejected', reason: { code: 'ERR_NONCE_STORE_UNAVAILABLE' } });
      expect(String(((r[0] as PromiseRejectedResult).reason as Error).cause)).toMatch(/^\w*Error: MOVED /);
      expect(durable.metrics().reasons.error).toBe(1);
      for (let i = 0; !(await durable.claim(claimOf()).catch(() => false)); i++) {
        if (i > 100) throw new Error('the durable store did not learn the new slot map');
        await sleep(20);
      }
      expect(await plain.claim(claimOf())).toBe(true);
      // The key claimed before the move moved with its slot: still a replay, for both.
      expect(await plain.claim(before)).toBe(false);
      expect(await durable.claim(before)).toBe(false);
      expect(await cluster.command(to, ['EXISTS', plain.keyFor(before)])).toBe(1);
    } finally {
      await cluster.moveSlot(slot, from);
    }
  });

  for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
    it(`node-redis ${major}: while a slot migrates (ASK), a new claim is re-sent to the importing primary, no nonce is accepted twice whichever side holds its key, and a durable claim of a new nonce fails closed`, async () => {
      const prefix = `{ask${major}}:`;
      const slot = keySlot(prefix);
      const from = await cluster.primaryOf(slot);
      const to = await cluster.primaryOf(cluster.firstSlotOf((cluster.shardOf(slot) + 1) % 3));
      const client = await clusterClient(redis);
      const plain = createRedisNonceStore({ client, prefix, timeoutMs: 5000 });
      const durable = createRedisNonceStore({ client, prefix, timeoutMs: 5000, durability: { replicas: 1 } });
      const stays = claimOf();
      const moves = claimOf();
      expect(await plain.claim(stays)).toBe(true);
      expect(await plain.claim(moves)).toBe(true);
      await cluster.command(to, ['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from.id]);
      await cluster.command(from, ['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to.id]);
      const fresh = claimOf();
      try {
        // Half-way: one key already on the importing primary, the other still on the migrating one.
        await cluster.command(from, ['MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', plain.keyFor(moves)]);
        // The migrating primary answers ASK for a key it does not hold: the claim is re-sent (ASKING) to the other.
        expect(await plain.claim(fresh)).toBe(true);
        expect(await plain.claim(fresh)).toBe(false);
        expect(await plain.claim(stays)).toBe(false);
        expect(await plain.claim(moves)).toBe(false);
        // A durable batch does not follow a redirect: closed (503), the ASK in the cause; a replay on the
        // migrating primary is still refused.
        const [r] = await Promise.allSettled([durable.claim(claimOf())]);
        expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ERR_NONCE_STORE_UNAVAILABLE' } });
        expect(String(((r as PromiseRejectedResult).reason as Error).cause)).toMatch(/\bASK /);
        expect(await durable.claim(stays)).toBe(false);
      } finally {
        await cluster.moveSlot(slot, to);
      }
      // The claim that followed the ASK lives on the importing primary, now the slot's owner.
      expect(await cluster.command(to, ['EXISTS', plain.keyFor(fresh)])).toBe(1);
      for (const c of [stays, moves, fresh]) expect(await plain.claim(c)).toBe(false);
      await cluster.moveSlot(slot, from);
    });
  }

  it('with durability, refuses claims while a primary cannot reach its replica (fails closed); without it, accepts them', async () => {
    const client = await clusterClient();
    const durable = createRedisNonceStore({ client, prefix: 'lag:', timeoutMs: 300, durability: { replicas: 1, timeoutMs: 100 } });
    const plain = createRedisNonceStore({ client, prefix: 'lag:', timeoutMs: 300 });
    const primary = await cluster.primaryOf(0);
    const [replica] = await cluster.replicasOf(primary);
    // Claims whose keys live on that primary.
    const onPrimary = (count: number) => {
      const claims = [];
      while (claims.length < count) {
        const c = claimOf();
        if (cluster.shardOf(keySlot(durable.keyFor(c))) === 0) claims.push(c);
      }
      return claims;
    };
    const [a, b] = [onPrimary(20), onPrimary(20)];
    replica!.server.signal('SIGSTOP');
    try {
      const started = performance.now();
      const refused = await Promise.allSettled(a.map((c) => durable.claim(c)));
      const took = performance.now() - started;
      for (const r of refused) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ERR_NONCE_STORE_UNAVAILABLE' } });
      expect(durable.metrics().reasons.replicas).toBe(20);
      expect(took).toBeLessThan(300 + 1000); // within timeoutMs, with room for a slow machine
      // Without durability the primary's OK is the answer: accepted, and not on any replica (the window).
      expect(await Promise.all(b.map((c) => plain.claim(c)))).toEqual(b.map(() => true));
    } finally {
      replica!.server.signal('SIGCONT');
    }
    // The nonces refused with durability were written on the primary all the same: never accepted later.
    expect(await Promise.all(a.map((c) => durable.claim(c)))).toEqual(a.map(() => false));
    expect(await durable.claim(claimOf())).toBe(true);
  });

  it('while one primary is frozen (SIGSTOP), its claims fail within the bound and none is accepted; the others go on, and all resume after SIGCONT', async () => {
    const client = await clusterClient();
    const store = createRedisNonceStore({ client, prefix: 'freeze:', timeoutMs: 200 });
    const primary = await cluster.primaryOf(16_383);
    const claims = Array.from({ length: 300 }, () => claimOf());
    const frozenSlots = claims.map((c) => cluster.shardOf(keySlot(store.keyFor(c))) === cluster.shardOf(16_383));
    primary.server.signal('SIGSTOP');
    let results: PromiseSettledResult<boolean>[];
    try {
      // Answered while the primary is still frozen: SIGCONT comes only after every claim has settled.
      results = await Promise.allSettled(claims.map((c) => store.claim(c)));
    } finally {
      primary.server.signal('SIGCONT');
    }
    results.forEach((r, i) => {
      if (frozenSlots[i]) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ERR_NONCE_STORE_TIMEOUT' } });
      else expect(r).toEqual({ status: 'fulfilled', value: true });
    });
    expect(frozenSlots.filter(Boolean).length).toBeGreaterThan(50);
    // Back after SIGCONT: new claims on every shard, and the frozen ones (which reached Redis late) stay burned.
    for (let i = 0; ; i++) {
      if ((await Promise.allSettled(Array.from({ length: 30 }, () => store.claim(claimOf())))).every((r) => r.status === 'fulfilled'))
        break;
      if (i > 100) throw new Error('the cluster did not come back');
      await sleep(50);
    }
    const again = await Promise.all(claims.map((c) => store.claim(c)));
    expect(again.every((v) => v === false)).toBe(true);
  });

  /**
   * A primary that acknowledged claims its replica never got, then died: its replica is promoted, and every nonce
   * accepted in the meantime is replayed against the fleet. The replica is frozen for a moment before the kill, so
   * that the unreplicated writes are many and the test does not depend on luck.
   */
  async function failover(options: { redis: string; durable: boolean; shard: number }) {
    const primary = await cluster.primaryOf(cluster.firstSlotOf(options.shard));
    const [replica] = await cluster.replicasOf(primary);
    const store = { timeoutMs: 300, durability: options.durable ? { replicas: 1, timeoutMs: 100 } : undefined };
    const fleet = await verifiers(2, { redis: options.redis, kind: 'cluster', rootNodes: cluster.rootNodes }, store);
    const onFailedShard = (v: Verification) => cluster.shardOf(slotOf(v.url)) === options.shard;
    await Promise.all(fleet.map((p, i) => p.load(25, `/failover/${options.redis}/${options.durable}/${i}`)));
    await sleep(300);
    // The replica stops hearing from its primary: frozen, and its link cut by the primary (what the kernel had
    // buffered for it still arrives after SIGCONT; nothing written after this moment does).
    replica!.server.signal('SIGSTOP');
    await cluster.command(primary, ['CLIENT', 'KILL', 'TYPE', 'replica']);
    const frozenAt = Date.now();
    await sleep(400);
    const killedAt = Date.now();
    await primary.server.stop('SIGKILL');
    replica!.server.signal('SIGCONT');
    await cluster.takeover(replica!);
    if (options.redis === REDIS_MAJORS[5]) {
      // node-redis 5 learns the new slot map only from a MOVED reply: from the old primary, restarted as a replica.
      await primary.server.start();
    } else if (options.durable) {
      // node-redis 6 finds the promoted replica by itself: its claims then reach it, and fail because it has no
      // replica of its own yet; the old primary, restarted, becomes that replica.
      const replicasFailures = async () =>
        (await Promise.all(fleet.map((p) => p.metrics()))).reduce((sum, m) => sum + m.reasons.replicas, 0);
      const before = await replicasFailures();
      for (let i = 0; (await replicasFailures()) === before; i++) {
        if (i > 200) throw new Error('node-redis 6 did not find the promoted replica');
        await sleep(50);
      }
      await primary.server.start();
    }
    // Service resumes by itself: fresh requests to every shard are accepted again.
    for (let i = 0; ; i++) {
      const fresh = await Promise.all(Array.from({ length: 30 }, (_, j) => sign('GET', `/fresh/${i}/${j}`, KEY)));
      const results = (await Promise.all(fleet.map((p) => p.verify(fresh.map((s) => s.url))))).flat();
      if (results.filter((r) => r.ok).length === 30) break;
      if (i > 200) throw new Error('the fleet did not resume after the failover');
      await sleep(50);
    }
    const records = (await Promise.all(fleet.map((p) => p.stop()))).flat();
    const accepted = records.filter((r) => r.ok);
    // Every nonce the fleet accepted, replayed to the other process, a few hundred at a time; each replay must get a
    // definite answer (accepted, or refused as a replay), not a store failure that would hide one.
    const replayed: Verification[] = [];
    for (let from = 0; from < accepted.length; from += 400) {
      const chunk = accepted.slice(from, from + 400);
      replayed.push(...(await Promise.all(fleet.map((p, i) => p.verify(chunk.filter((_, j) => j % 2 !== i).map((r) => r.url))))).flat());
    }
    expect(replayed.filter((r) => !r.ok && r.code !== 'ERR_AUTH_NONCE_INVALID')).toEqual([]);
    const replaysAccepted = replayed.filter((r) => r.ok);
    if (!primary.server.running) await primary.server.start();
    await cluster.settled();
    // Started in a later millisecond than the one CLIENT KILL returned in (Date.now() drops the fraction: a claim
    // started in that same millisecond may have run before the kill, and been replicated).
    const whileFrozen = (r: Verification) => onFailedShard(r) && r.started > frozenAt && r.started < killedAt;
    const result = {
      accepted: accepted.length,
      acceptedOnFailedShardWhileFrozen: accepted.filter(whileFrozen).length,
      refusedWhileFrozen: records.filter((r) => !r.ok && whileFrozen(r)).length,
      replaysAccepted,
      replaysOnFailedShard: replaysAccepted.filter(onFailedShard).length,
    };
    return result;
  }

  it('without durability, a failover loses the claims the dead primary had not replicated: each of those nonces is accepted once more (the documented window); node-redis 5 resumes once the old primary is back', async () => {
    const r = await failover({ redis: REDIS_MAJORS[5], durable: false, shard: 0 });
    expect(r.accepted).toBeGreaterThan(100);
    expect(r.acceptedOnFailedShardWhileFrozen).toBeGreaterThan(0);
    expect(r.replaysAccepted.length).toBeGreaterThan(0);
    // The window is exactly the lost shard's unreplicated claims.
    expect(r.replaysOnFailedShard).toBe(r.replaysAccepted.length);
    expect(r.replaysAccepted.length).toBeGreaterThanOrEqual(r.acceptedOnFailedShardWhileFrozen);
  });

  it('with durability, no nonce claimed before the failover is accepted again; node-redis 6 finds the new primary by itself, and claims resume once it has a replica', async () => {
    const r = await failover({ redis: REDIS_MAJORS[6], durable: true, shard: 1 });
    expect(r.accepted).toBeGreaterThan(100);
    expect(r.acceptedOnFailedShardWhileFrozen).toBe(0);
    expect(r.refusedWhileFrozen).toBeGreaterThan(0);
    expect(r.replaysAccepted).toEqual([]);
  });
});
