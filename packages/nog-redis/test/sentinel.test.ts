import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisNonceStore, type NonceStoreError } from '@reqsign/nog-redis';
import type { createSentinel } from 'redis';
import { connect, REDIS_MAJORS } from './helpers/connect.mjs';
import { startRedisSentinel, type RedisSentinelSet } from './helpers/redisSentinel.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

const HOUR = 3_600_000;
type Sentinel = ReturnType<typeof createSentinel>;
let n = 0;
const claimOf = () => ({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce: `s${++n}`, expiresAt: Date.now() + HOUR, now: Date.now() });

describe('a Sentinel-managed primary with a replica', () => {
  let set: RedisSentinelSet;
  const clients: Sentinel[] = [];
  const sentinelClient = async (redis: string): Promise<Sentinel> => {
    const client = (await connect({ redis, kind: 'sentinel', name: set.name, sentinels: set.sentinels })) as Sentinel;
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    set = await startRedisSentinel({ replicas: 1 });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await set?.stop();
  });

  for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
    it(`node-redis ${major}: claims through createSentinel, once each, with and without durability`, async () => {
      const client = await sentinelClient(redis);
      for (const durability of [undefined, { replicas: 1 }]) {
        // What is under test is atomicity, not speed: a time limit no busy machine reaches.
        const store = createRedisNonceStore({ client, durability, timeoutMs: 10_000 });
        const claim = claimOf();
        const results = await Promise.all(Array.from({ length: 1000 }, () => store.claim(claim)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(store.metrics()).toMatchObject({ accepted: 1, replays: 999, inFlight: 0 });
      }
    });

    it(`node-redis ${major}: with durability, refuses claims the replica cannot acknowledge, and after a failover accepts none of the nonces claimed before it`, async () => {
      const client = await sentinelClient(redis);
      // Time limits no busy machine reaches: a claim fails for want of replicas (WAIT answers after 3 s), never by
      // timing out (its own limit is 20 s).
      const store = createRedisNonceStore({ client, timeoutMs: 20_000, durability: { replicas: 1, timeoutMs: 3000 } });
      const claimed = Array.from({ length: 200 }, claimOf);
      expect(await Promise.all(claimed.map((c) => store.claim(c)))).toEqual(claimed.map(() => true));
      // The replica frozen: nothing can be acknowledged, so nothing is accepted.
      const primary = await set.primary();
      const replica = set.servers.find((s) => s !== primary)!;
      replica.signal('SIGSTOP');
      let refused: PromiseSettledResult<boolean>[];
      try {
        refused = await Promise.allSettled(Array.from({ length: 20 }, () => store.claim(claimOf())));
      } finally {
        replica.signal('SIGCONT');
      }
      for (const r of refused)
        expect((r as PromiseRejectedResult).reason as NonceStoreError).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE' });
      expect(store.metrics().reasons.replicas).toBe(20);
      // The sentinel promotes the replica; the client follows it; every nonce claimed before is still taken.
      await set.failover();
      for (let i = 0; ; i++) {
        const r = await Promise.allSettled([store.claim(claimOf())]);
        if (r[0]!.status === 'fulfilled' && r[0]!.value) break;
        if (i > 200) throw new Error('the client did not follow the failover');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await Promise.all(claimed.map((c) => store.claim(c)))).toEqual(claimed.map(() => false));
    });
  }
});
