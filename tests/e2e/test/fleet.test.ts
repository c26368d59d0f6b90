import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '@reqsign/nog';
import { createRedisNonceStore } from '@reqsign/nog-redis';
import { connectClient, whenReady, type TestClient } from '../../../packages/nog-redis/test/helpers/client.js';
import { startRedisServer, type RedisServer } from '../../../packages/nog-redis/test/helpers/redisServer.js';
import { startFetchServer, startMiddlewareServer, type Running } from './servers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '..', '..', '..', 'packages', 'cli', 'dist', 'cli.js');
const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const KEYS = { [KEY.id]: KEY.secret };

function cliSign(method: string, url: string): string {
  return execFileSync(process.execPath, [CLI, 'nog', 'sign', method, url], {
    env: { PATH: process.env.PATH ?? '', NOG_KEYID: KEY.id, NOG_SECRETKEY: KEY.secret },
    encoding: 'utf8',
  }).trimEnd();
}

/** Two services (one per integration) behind a load balancer, sharing one Redis for nonces. */
describe('end to end: two services sharing a Redis nonce store', () => {
  let redis: RedisServer;
  let clients: TestClient[] = [];
  let services: Running[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    clients = [await connectClient(redis.url), await connectClient(redis.url)];
    const [a, b] = clients.map((client) => createVerifier({ keys: KEYS, nonceStore: createRedisNonceStore({ client, timeoutMs: 1000 }) }));
    services = [await startMiddlewareServer({ verifier: a! }), await startFetchServer({ verifier: b! })];
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    for (const c of clients) c.destroy();
    await redis?.stop();
  });

  /** The same signed path and query, sent to service `i`. */
  const at = (i: number, signed: string): string => services[i]!.origin + signed.slice(signed.indexOf('/', 'http://'.length));

  it('accepts a signed URL once across the fleet: a replay to the other service is 401 ERR_AUTH_NONCE_INVALID', async () => {
    const signed = cliSign('GET', `${services[0]!.origin}/api/blobs/abc?x=1`);
    expect((await fetch(at(0, signed))).status).toBe(200);
    const replay = await fetch(at(1, signed));
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ statusCode: 401, errorCode: 'ERR_AUTH_NONCE_INVALID', message: 'Invalid nonce.' });
  });

  it('answers 503 ERR_AUTH_NONCE_STORE from every service while Redis is down, and 200 again once it is back', async () => {
    await redis.stop();
    for (const i of [0, 1]) {
      const response = await fetch(at(i, cliSign('GET', `${services[i]!.origin}/api/blobs/abc`)));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ statusCode: 503, errorCode: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.' });
    }
    await redis.start();
    await Promise.all(clients.map(whenReady));
    for (const i of [0, 1]) expect((await fetch(at(i, cliSign('GET', `${services[i]!.origin}/p`)))).status).toBe(200);
  });
});
