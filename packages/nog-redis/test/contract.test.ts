import { describeNonceStore } from '@reqsign/canonical/nonce-store-kit';
import { afterAll, beforeAll, describe, it } from 'vitest';
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
}
