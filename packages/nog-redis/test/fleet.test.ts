import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, sign, type Verifier, type VerifyResult } from '@reqsign/nog';
import { createRedisNonceStore } from '@reqsign/nog-redis';
import { connectClient, whenReady, type TestClient } from './helpers/client.js';
import { REDIS_MAJORS } from './helpers/connect.mjs';
import { startVerifier, type Verification, type VerifierProcess } from './helpers/fleet.js';
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
      // The cause is kept for operators: the store's typed error (its own cause says what Redis did).
      expect(result).toEqual({
        ok: false,
        code: 'ERR_AUTH_NONCE_STORE',
        message: 'Nonce store unavailable.',
        status: 503,
        cause: expect.objectContaining({ name: 'NonceStoreError', code: 'ERR_NONCE_STORE_UNAVAILABLE' }),
      });
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

/** A fleet of two verifier processes (one on node-redis 5, one on 6) sharing one redis-server. */
describe('two verifier processes sharing one Redis', () => {
  const TIMEOUT_MS = 300;
  let server: RedisServer;
  let fleet: VerifierProcess[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    server = await startRedisServer();
    fleet = await Promise.all(
      Object.values(REDIS_MAJORS).map((redis) => startVerifier({ redis, kind: 'client', url: server.url }, { timeoutMs: TIMEOUT_MS })),
    );
  });
  afterAll(async () => {
    await Promise.all(fleet.map((p) => p.close()));
    await server?.stop();
  });

  it('accepts exactly one of 1,000 concurrent verifications of one signed request across the two processes', async () => {
    // What is under test is atomicity, not speed: a time limit no busy machine reaches.
    await Promise.all(fleet.map((p) => p.configure({ timeoutMs: 10_000 })));
    const { url } = await sign('GET', '/api/blobs/processes', KEY);
    const results = (await Promise.all(fleet.map((p) => p.verify(Array.from({ length: 500 }, () => url))))).flat();
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'ERR_AUTH_NONCE_INVALID')).toHaveLength(999);
    await Promise.all(fleet.map((p) => p.configure({ timeoutMs: TIMEOUT_MS })));
  });

  /**
   * Load from both processes; Redis is broken for a second by `breakIt` and mended by `mendIt`. Every verification
   * that started while it was broken answered within the bound (before it was mended: none waited for Redis), none
   * was accepted, and service came back by itself.
   */
  async function outage(path: string, breakIt: () => Promise<void> | void, mendIt: () => Promise<void> | void) {
    await Promise.all(fleet.map((p, i) => p.load(20, `${path}/${i}`)));
    await sleep(300);
    await breakIt();
    const brokenAt = Date.now();
    await sleep(1000);
    const mendedAt = Date.now();
    await mendIt();
    // Resumed by itself: both processes accept fresh requests again.
    for (let i = 0; ; i++) {
      const fresh = await Promise.all(fleet.map(async () => (await sign('GET', `${path}/fresh/${i}`, KEY)).url));
      const results = (await Promise.all(fleet.map((p, j) => p.verify([fresh[j]!])))).flat();
      if (results.every((r) => r.ok)) break;
      if (i > 200) throw new Error('the fleet did not resume');
      await sleep(50);
    }
    const records = (await Promise.all(fleet.map((p) => p.stop()))).flat();
    const during = records.filter((r: Verification) => r.started > brokenAt && r.started < mendedAt - TIMEOUT_MS);
    expect(records.filter((r) => r.ok && r.started < brokenAt).length).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(20);
    // The bound holds: verifications that started while Redis was broken failed with the store's code before it was
    // mended, without waiting for Redis. Which of them do depends on the machine: on a loaded one a process's timer
    // can fire late, and a claim that Redis answered once mended is that answer (an accepted one is a claim Redis
    // really made, never a replay). So: each answer is the store's failure, or came after the mend; some failed in
    // time; none hung.
    const inTime = during.filter((r) => r.started + r.ms < mendedAt);
    expect(inTime.length).toBeGreaterThan(0);
    for (const r of inTime) expect(r).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_STORE' });
    for (const r of during) {
      if (r.ok) expect(r.started + r.ms).toBeGreaterThanOrEqual(mendedAt);
      else expect(r.code).toBe('ERR_AUTH_NONCE_STORE');
      expect(r.ms).toBeLessThan(TIMEOUT_MS + 30_000); // a hang, not a slow machine
    }
  }

  it('while Redis is paused (SIGSTOP) mid-run: every verification answers within the bound, none is accepted, and service is back after SIGCONT', async () => {
    await outage(
      '/paused',
      () => server.signal('SIGSTOP'),
      () => server.signal('SIGCONT'),
    );
  });

  it('while Redis is killed mid-run and restarted: the same', async () => {
    await outage(
      '/killed',
      () => server.stop('SIGKILL'),
      () => server.start(),
    );
  });
});
