/**
 * Why a 503 happened, as an operator reads it in `onFailure`: a real redis-server of this file's own behind
 * `nogMiddleware` and @reqsign/nog-redis, with the faults Redis really has (out of memory, frozen, gone) and a
 * `maxInFlight` that is reached. The cause is in the event, with the reason and the limit in its message; the response
 * body is the fixed one, with nothing of the cause.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nogMiddleware, type NogFailureEvent } from '@reqsign/http';
import { createRedisNonceStore } from '@reqsign/nog-redis';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { connectClient, type TestClient } from '../../nog-redis/test/helpers/client.js';
import { startRedisServer, type RedisServer } from '../../nog-redis/test/helpers/redisServer.js';
import { KEY, KEYS, signed } from './helpers.js';

requirePrograms('redis-server');

const TIMEOUT_MS = 300;
const STORE_BODY = { statusCode: 503, errorCode: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.' };

describe('a Redis nonce store behind nogMiddleware: each 503 keeps its cause for onFailure', () => {
  let redis: RedisServer;
  let client: TestClient;
  let admin: TestClient;
  let server: Server;
  let base: string;
  const events: NogFailureEvent[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    client = await connectClient(redis.url);
    admin = await connectClient(redis.url);
    const nonceStore = createRedisNonceStore({ client, timeoutMs: TIMEOUT_MS, maxInFlight: 1 });
    const auth = nogMiddleware({ keys: KEYS, nonceStore, onFailure: (e) => events.push(e) });
    server = createServer((req, res) => auth(req, res, () => res.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    client?.destroy();
    admin?.destroy();
    await redis?.stop();
  });

  /** One signed request with a nonce: its status and body, and the event onFailure got for it (if any). */
  const call = async (): Promise<{ status: number; body: string; event: NogFailureEvent | undefined; url: string }> => {
    const url = await signed('GET', `${base}/api/blobs/abc?x=1`);
    const before = events.length;
    const res = await fetch(url);
    const body = await res.text();
    return { status: res.status, body, event: events.slice(before).at(-1), url };
  };

  /** What must never be in a body or event: the cause's words, the secret, the signature. */
  const clean = (r: { body: string; event: NogFailureEvent | undefined; url: string }): void => {
    expect(JSON.parse(r.body)).toEqual(STORE_BODY);
    expect(r.body).not.toMatch(/Redis|OOM|maxInFlight|ms/);
    const logged = `${JSON.stringify(r.event)} ${String((r.event?.cause as Error | undefined)?.cause)}`;
    expect(logged).not.toContain(KEY.secret);
    expect(logged).not.toContain(r.url.slice(r.url.lastIndexOf('=') + 1));
  };

  it('passes while Redis answers', async () => {
    expect((await call()).status).toBe(200);
  });

  it("Redis out of memory: ERR_NONCE_STORE_FULL, with Redis's OOM reply as the cause's cause", async () => {
    await admin.configSet('maxmemory', '1');
    try {
      const r = await call();
      expect(r.status).toBe(503);
      clean(r);
      expect(r.event).toMatchObject({ code: 'ERR_AUTH_NONCE_STORE', status: 503, keyId: KEY.id, path: '/api/blobs/abc' });
      expect(r.event!.cause).toMatchObject({ name: 'NonceStoreError', code: 'ERR_NONCE_STORE_FULL' });
      expect(((r.event!.cause as Error).cause as Error).message).toMatch(/^OOM command not allowed/);
    } finally {
      await admin.configSet('maxmemory', '0');
    }
    expect((await call()).status).toBe(200);
  });

  it('Redis frozen (SIGSTOP): the claim times out after timeoutMs, and the next is refused at maxInFlight, each saying so', async () => {
    redis.signal('SIGSTOP');
    let results;
    try {
      results = await Promise.all([call(), call()]);
    } finally {
      redis.signal('SIGCONT');
    }
    for (const r of results) {
      expect(r.status).toBe(503);
      clean(r);
    }
    const causes = results
      .map((r) => r.event!.cause as Error & { code: string })
      .map((c) => [c.code, (c.cause as Error).message])
      .sort();
    expect(causes).toEqual([
      ['ERR_NONCE_STORE_TIMEOUT', `Redis did not answer within ${TIMEOUT_MS} ms (timeoutMs)`],
      ['ERR_NONCE_STORE_UNAVAILABLE', 'maxInFlight (1) claims were already waiting for Redis'],
    ]);
  });

  it('Redis gone (SIGKILL): refused at once as disconnected', async () => {
    // The frozen claim's answer comes after SIGCONT; then the store has room again.
    await expect.poll(async () => (await call()).status, { timeout: 30_000 }).toBe(200);
    const down = new Promise<void>((resolve) => client.once('error', () => resolve()));
    await redis.stop('SIGKILL');
    await down;
    const r = await call();
    expect(r.status).toBe(503);
    clean(r);
    expect(r.event!.cause).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE', message: 'The Redis client is not connected' });
    expect(((r.event!.cause as Error).cause as Error).message).toBe(
      'the Redis client (or the cluster node that holds the key) is not connected',
    );
  });
});
