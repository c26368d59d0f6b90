import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, sign, type Verifier, type VerifyResult } from '@reqsign/nog';
import { createRedisNonceStore } from '@reqsign/nog-redis';
import { connectClient, whenReady, type TestClient } from './helpers/client.js';
import { startRedisServer, type RedisServer } from './helpers/redisServer.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const KEYS = { [KEY.id]: KEY.secret };

/** A fleet: two verifier instances, each with its own Redis connection, sharing one redis-server. */
describe('verifiers sharing one Redis', () => {
  let server: RedisServer;
  let clients: TestClient[] = [];
  let fleet: Verifier[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    clients = [await connectClient(server.url), await connectClient(server.url)];
    fleet = clients.map((client) => createVerifier({ keys: KEYS, nonceStore: createRedisNonceStore({ client, timeoutMs: 1000 }) }));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it('accepts exactly one of 1,000 concurrent verifications of one signed request across two instances', async () => {
    const { url } = await sign('GET', '/api/blobs/abc?x=1', KEY);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => fleet[i % 2]!.verify('GET', url)));
    const accepted = results.filter((r) => r.ok);
    expect(accepted).toHaveLength(1);
    const refused = results.filter((r): r is Extract<VerifyResult, { ok: false }> => !r.ok);
    expect(refused).toHaveLength(999);
    for (const r of refused) expect(r.code).toBe('ERR_AUTH_NONCE_INVALID');
  });

  it('does not let a nonce used with one key id burn or pass for another', async () => {
    const other = { id: 'fedcba9876543210fedc', secret: 'another secret' };
    const verifiers = clients.map((client) =>
      createVerifier({ keys: { ...KEYS, [other.id]: other.secret }, nonceStore: createRedisNonceStore({ client }) }),
    );
    const date = Date.now();
    const a = await sign('GET', '/p', KEY, { date, nonce: 'sharednonce' });
    const b = await sign('GET', '/p', other, { date, nonce: 'sharednonce' });
    expect((await verifiers[0]!.verify('GET', a.url)).ok).toBe(true);
    expect((await verifiers[1]!.verify('GET', b.url)).ok).toBe(true);
    expect(await verifiers[1]!.verify('GET', a.url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
  });

  it('keeps a nonce exactly until its signature expires, and only then can it be claimed again', async () => {
    const store = createRedisNonceStore({ client: clients[0]!, clockToleranceMs: 0 });
    const verifier = createVerifier({ keys: KEYS, nonceStore: store, maxClockSkew: 0 });
    const date = Math.floor(Date.now() / 1000) * 1000;
    const signed = await sign('GET', '/p', KEY, { date, expires: 2 });
    const deadline = date + 2000;
    expect(await verifier.verify('GET', signed.url)).toMatchObject({ ok: true, expiresAt: new Date(deadline) });
    const key = store.keyFor({ keyId: KEY.id, authdate: signed.authdate, nonce: signed.nonce! });
    // Redis itself reports the expiry: the signature's deadline, not a moment earlier (the time to live counts from
    // when Redis took the claim, just after the verifier read its clock).
    const expiry = await clients[0]!.pExpireTime(key);
    expect(expiry).toBeGreaterThanOrEqual(deadline);
    expect(expiry).toBeLessThan(deadline + 1000);
    expect(await verifier.verify('GET', signed.url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
    // A verifier whose clock reads exactly the deadline (the last valid instant) still finds the nonce taken.
    const atDeadline = createVerifier({ keys: KEYS, nonceStore: store, maxClockSkew: 0, now: () => deadline });
    if (Date.now() < deadline) {
      expect(await atDeadline.verify('GET', signed.url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
    }
    // Once Redis has let the nonce go, the signature is already expired for the verifier: no replay is possible.
    while ((await clients[0]!.exists(key)) === 1) await new Promise((r) => setTimeout(r, 50));
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(await verifier.verify('GET', signed.url)).toMatchObject({ ok: false, code: 'ERR_AUTH_SIG_EXPIRED' });
    expect(
      await store.claim({
        keyId: KEY.id,
        authdate: signed.authdate,
        nonce: signed.nonce!,
        expiresAt: Date.now() + 60_000,
        now: Date.now(),
      }),
    ).toBe(true);
  });

  it('refuses every verification with ERR_AUTH_NONCE_STORE (503) while Redis is down, and resumes when it is back', async () => {
    const verifyFresh = async (i: number): Promise<{ result: VerifyResult; started: number }> => {
      const { url } = await sign('GET', `/api/blobs/${i}`, KEY);
      const started = Date.now();
      return { result: await fleet[i % 2]!.verify('GET', url), started };
    };
    const before = await Promise.all(Array.from({ length: 50 }, (_, i) => verifyFresh(i)));
    for (const { result } of before) expect(result.ok).toBe(true);

    // Requests keep coming while Redis crashes.
    const during = Array.from({ length: 50 }, (_, i) => verifyFresh(100 + i));
    await server.stop('SIGKILL');
    const stoppedAt = Date.now();
    const after = await Promise.all(Array.from({ length: 200 }, (_, i) => verifyFresh(200 + i)));
    for (const { result } of after) {
      expect(result).toEqual({ ok: false, code: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.', status: 503 });
    }
    // Those in flight at the crash: accepted only if they started before it, never a pass after.
    for (const { result, started } of await Promise.all(during)) {
      if (result.ok) expect(started).toBeLessThanOrEqual(stoppedAt);
      else expect(result.code).toBe('ERR_AUTH_NONCE_STORE');
    }

    await server.start();
    await Promise.all(clients.map(whenReady));
    const resumed = await Promise.all(Array.from({ length: 50 }, (_, i) => verifyFresh(500 + i)));
    for (const { result } of resumed) expect(result.ok).toBe(true);
    // And replay protection is back with it.
    const { url } = await sign('GET', '/after-restart', KEY);
    expect((await fleet[0]!.verify('GET', url)).ok).toBe(true);
    expect(await fleet[1]!.verify('GET', url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
  });
});
