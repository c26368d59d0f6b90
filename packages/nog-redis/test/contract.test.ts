import { describeNonceStore, nonceStoreCases } from '@reqsign/canonical/nonce-store-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisNonceStore, type RedisNonceStore } from '@reqsign/nog-redis';
import { connectClient, type TestClient } from './helpers/client.js';
import { REDIS_MAJORS } from './helpers/connect.mjs';
import { startRedisServer, type RedisServer } from './helpers/redisServer.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

// The contract every nonce store keeps (@reqsign/canonical/nonce-store-kit), against a real redis-server, with a
// client of each node-redis major. Redis has no bound of its own (its memory is the operator's), so the kit's full
// store cases do not apply; a store whose server has stopped is its failing store.
for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  let server: RedisServer | undefined;
  let client: TestClient | undefined;
  const clients = new Map<RedisNonceStore, TestClient>();
  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectClient(server.url, redis);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  describeNonceStore(
    `createRedisNonceStore (node-redis ${major})`,
    {
      // A generous time limit: 1,000 concurrent claims on a loaded machine are slow, not failed.
      create: () => createRedisNonceStore({ client: client!, timeoutMs: 20_000 }),
      createFailing: async () => {
        const stopped = await startRedisServer();
        const lost = await connectClient(stopped.url, redis);
        await stopped.stop();
        const store = createRedisNonceStore({ client: lost, timeoutMs: 20_000 });
        clients.set(store, lost);
        return store;
      },
      dispose: (store) => {
        clients.get(store)?.destroy();
        clients.delete(store);
      },
    },
    { describe, it },
  );

  describe(`the clock tolerance (node-redis ${major})`, () => {
    it("is what keeps the kit's clock cases: with clockToleranceMs 0 the kit catches the store", async () => {
      const cases = nonceStoreCases({ create: () => createRedisNonceStore({ client: client!, timeoutMs: 20_000, clockToleranceMs: 0 }) });
      const failed: string[] = [];
      for (const c of cases) await c.run().catch(() => failed.push(c.name));
      // A PX of exactly deadline - now forgets the nonce by Redis's clock, which runs on while the claims' clocks
      // (here the kit's) may lag: a verifier whose clock is behind finds it gone.
      expect(failed).toContain("stays right when two verifiers' clocks are apart");
    });
  });
}
