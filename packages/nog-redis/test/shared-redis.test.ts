import { afterAll, describe, expect, inject, it } from 'vitest';
import { createClient } from 'redis';
import { createVerifier, sign } from '@reqsign/nog';
import { createRedisNonceStore } from '@reqsign/nog-redis';
import { requirePrograms } from '../../../scripts/lib/programs.js';

/**
 * The Redis of the test run: `REQSIGN_REDIS_URL`, or the one the run started on loopback (scripts/test-services.ts).
 * Without either (no redis-server on the machine) the file fails with the line that says how to install it.
 */
const url = inject('redisUrl');
if (url === undefined) requirePrograms('redis-server');
const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };

describe('the shared Redis of the test machine', () => {
  const clients: Array<ReturnType<typeof createClient>> = [];
  const prefix = `reqsign:test:${process.pid}:${Date.now()}:`;

  afterAll(() => {
    for (const c of clients) c.destroy();
  });

  // Connecting inside the test (not in a hook) makes an unreachable Redis a failed test, not skipped ones.
  it('is reachable, and two verifiers sharing it accept one of 1,000 concurrent verifications', async () => {
    for (let i = 0; i < 2; i++) {
      // No reconnecting: an unreachable Redis fails here at once instead of being retried.
      const client = createClient({ url: url!, disableOfflineQueue: true, socket: { connectTimeout: 2000, reconnectStrategy: false } });
      client.on('error', () => {});
      clients.push(client);
      await client.connect();
    }
    expect(await clients[0]!.ping()).toBe('PONG');
    const fleet = clients.map((client) =>
      createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: createRedisNonceStore({ client, prefix, timeoutMs: 10_000 }) }),
    );
    const { url: signed } = await sign('GET', '/api/blobs/abc', KEY);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => fleet[i % 2]!.verify('GET', signed)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'ERR_AUTH_NONCE_INVALID')).toHaveLength(999);
  });
});
