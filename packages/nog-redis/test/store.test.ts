import fc from 'fast-check';
import { ReqsignError } from '@reqsign/canonical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NogError } from '@reqsign/nog';
import { createRedisNonceStore, NonceStoreError, type RedisNonceStore } from '@reqsign/nog-redis';
import { connectClient, whenReady, type TestClient } from './helpers/client.js';
import { redisServerInstalled, startRedisServer, type RedisServer } from './helpers/redisServer.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

const HOUR = 3_600_000;

// A failed beforeAll marks a suite's tests as skipped; this test makes a missing Redis count as a failure in CI.
describe('the test machine', () => {
  it('has a redis-server that starts on loopback', async () => {
    expect(redisServerInstalled()).toBe(true);
    const server = await startRedisServer();
    await server.stop();
  });
});

describe('createRedisNonceStore against a real redis-server', () => {
  let server: RedisServer;
  let client: TestClient;
  let store: RedisNonceStore;
  let counter = 0;
  const fresh = (): string => `nonce-${process.pid}-${++counter}`;

  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectClient(server.url);
    store = createRedisNonceStore({ client });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('claims a nonce once: true the first time, false for every repeat', async () => {
    const claim = { keyId: 'k1', authdate: '2015-04-20T123456Z', nonce: fresh(), expiresAt: Date.now() + HOUR, now: Date.now() };
    expect(await store.claim(claim)).toBe(true);
    expect(await store.claim(claim)).toBe(false);
    expect(await store.claim({ ...claim })).toBe(false);
  });

  it('scopes nonces by key id and by authdate', async () => {
    const nonce = fresh();
    const base = { keyId: 'alice', authdate: '2015-04-20T123456Z', nonce, expiresAt: Date.now() + HOUR, now: Date.now() };
    expect(await store.claim(base)).toBe(true);
    expect(await store.claim({ ...base, keyId: 'mallory' })).toBe(true);
    expect(await store.claim({ ...base, authdate: '2015-04-20T123457Z' })).toBe(true);
    expect(await store.claim(base)).toBe(false);
  });

  it('keeps attacker-chosen key ids that would collide under a naive join apart', async () => {
    const expiresAt = Date.now() + HOUR;
    const n = fresh();
    // keyId:authdate:nonce joined with ':' would give the same key for all three.
    expect(await store.claim({ keyId: 'a:b', authdate: 'c', nonce: n, expiresAt, now: Date.now() })).toBe(true);
    expect(await store.claim({ keyId: 'a', authdate: 'b:c', nonce: n, expiresAt, now: Date.now() })).toBe(true);
    expect(await store.claim({ keyId: 'a:b:c', authdate: '', nonce: n, expiresAt, now: Date.now() })).toBe(true);
    // JSON-looking and quote-carrying ids are escaped, not interpreted.
    expect(await store.claim({ keyId: '","', authdate: 'x', nonce: n, expiresAt, now: Date.now() })).toBe(true);
    expect(await store.claim({ keyId: '', authdate: '","x', nonce: n, expiresAt, now: Date.now() })).toBe(true);
  });

  it('maps distinct claims to distinct Redis keys (property)', () => {
    const triple = fc.tuple(fc.string({ unit: 'binary' }), fc.string(), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(triple, triple, (a, b) => {
        const ka = store.keyFor({ keyId: a[0], authdate: a[1], nonce: a[2] });
        const kb = store.keyFor({ keyId: b[0], authdate: b[1], nonce: b[2] });
        return (ka === kb) === (a[0] === b[0] && a[1] === b[1] && a[2] === b[2]);
      }),
      { numRuns: 10_000 },
    );
  });

  it('round-trips arbitrary key ids and nonces through Redis without collisions (property)', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), async (keyId, nonce) => {
        const claim = { keyId, authdate: `prop-${process.pid}`, nonce, expiresAt: Date.now() + HOUR, now: Date.now() };
        const id = JSON.stringify([keyId, nonce]);
        const first = await store.claim(claim);
        expect(first).toBe(!seen.has(id));
        seen.add(id);
        expect(await store.claim(claim)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("stores the key with SET NX PX for expiresAt - now (the verifier's clock) plus the clock tolerance", async () => {
    // A verifier clock an hour off the machine's: the key's time to live follows the claim, not Redis's clock.
    const now = Date.now() - HOUR;
    const claim = { keyId: 'k', authdate: '2015-04-20T123456Z', nonce: fresh(), expiresAt: now + HOUR + 0.4, now };
    expect(await store.claim(claim)).toBe(true);
    const key = store.keyFor(claim);
    expect(key).toBe(`reqsign:nog:nonce:${JSON.stringify([claim.keyId, claim.authdate, claim.nonce])}`);
    expect(await client.get(key)).toBe('1');
    // Rounded up, never down, then the default 30 s tolerance; a little has passed since the claim.
    const ttl = await client.pTTL(key);
    expect(ttl).toBeLessThanOrEqual(HOUR + 1 + 30_000);
    expect(ttl).toBeGreaterThan(HOUR + 30_000 - 5_000);
    const custom = createRedisNonceStore({ client, prefix: 'svc-a:', clockToleranceMs: 0 });
    const other = { ...claim, nonce: fresh() };
    expect(await custom.claim(other)).toBe(true);
    const otherTtl = await client.pTTL(`svc-a:${JSON.stringify([other.keyId, other.authdate, other.nonce])}`);
    expect(otherTtl).toBeLessThanOrEqual(HOUR + 1);
    expect(otherTtl).toBeGreaterThan(HOUR - 5_000);
  });

  it('makes a nonce claimable again only once its expiry has passed', async () => {
    const exact = createRedisNonceStore({ client, clockToleranceMs: 0 });
    const now = Date.now();
    const claim = { keyId: 'k', authdate: '2015-04-20T123456Z', nonce: fresh(), expiresAt: now + 300, now };
    expect(await exact.claim(claim)).toBe(true);
    let refusals = 0;
    for (;;) {
      const again = await exact.claim(claim);
      const after = Date.now();
      if (!again) {
        refusals++;
        continue;
      }
      // Accepted again: never before expiresAt (the time to live starts when Redis takes the first claim).
      expect(after).toBeGreaterThanOrEqual(claim.expiresAt);
      break;
    }
    expect(refusals).toBeGreaterThan(0);
  });

  it('accepts exactly one of 1,000 concurrent claims of one nonce from two clients', async () => {
    const second = await connectClient(server.url);
    try {
      const stores = [store, createRedisNonceStore({ client: second })];
      const claim = { keyId: 'k', authdate: '2015-04-20T123456Z', nonce: fresh(), expiresAt: Date.now() + HOUR, now: Date.now() };
      const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => stores[i % 2]!.claim(claim)));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      second.destroy();
    }
  });

  it('rejects bad arguments with ERR_INVALID_ARGUMENT and the argument name', async () => {
    const bad = (f: () => unknown, name: string): void => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(NogError);
        expect(err).toBeInstanceOf(ReqsignError);
        expect((err as NogError).code).toBe('ERR_INVALID_ARGUMENT');
        expect((err as Error).message).toContain(name);
        return;
      }
      throw new Error(`expected a throw naming ${name}`);
    };
    bad(() => createRedisNonceStore(undefined as never), 'options');
    bad(() => createRedisNonceStore({ client: {} as never }), 'client');
    bad(() => createRedisNonceStore({ client, prefix: 1 as never }), 'prefix');
    bad(() => createRedisNonceStore({ client, timeoutMs: 0 }), 'timeoutMs');
    bad(() => createRedisNonceStore({ client, clockToleranceMs: -1 }), 'clockToleranceMs');
    const good = { keyId: 'k', authdate: 'd', nonce: 'n', expiresAt: Date.now() + HOUR, now: Date.now() };
    await expect(store.claim({ ...good, keyId: 1 as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(store.claim({ ...good, nonce: null as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(store.claim({ ...good, expiresAt: Number.NaN })).rejects.toMatchObject({
      message: expect.stringContaining('expiresAt'),
    });
    // The store reads no clock: a claim must carry the verifier's.
    await expect(store.claim({ ...good, now: undefined as never })).rejects.toMatchObject({ message: expect.stringContaining('now') });
  });
});

describe('createRedisNonceStore fails closed', () => {
  let server: RedisServer;
  let client: TestClient;
  let store: RedisNonceStore;
  const claimOf = (nonce: string) => ({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce, expiresAt: Date.now() + HOUR, now: Date.now() });

  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectClient(server.url);
    store = createRedisNonceStore({ client, timeoutMs: 500 });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('rejects with ERR_NONCE_STORE_TIMEOUT when Redis is connected but frozen, then works once it thaws', async () => {
    expect(await store.claim(claimOf('before-freeze'))).toBe(true);
    server.signal('SIGSTOP');
    try {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.claim(claimOf(`frozen-${i}`))));
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NonceStoreError);
        expect((r as PromiseRejectedResult).reason.code).toBe('ERR_NONCE_STORE_TIMEOUT');
      }
    } finally {
      server.signal('SIGCONT');
    }
    // The frozen commands still reach Redis after the thaw: those nonces are burned, never accepted later.
    await whenReady(client);
    expect(await store.claim(claimOf('after-thaw'))).toBe(true);
    expect(await store.claim(claimOf('frozen-0'))).toBe(false);
  });

  it('rejects with ERR_NONCE_STORE_UNAVAILABLE while Redis is down and recovers when it is back', async () => {
    expect(await store.claim(claimOf('up-1'))).toBe(true);
    await server.stop();
    const down = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => store.claim(claimOf(`down-${i}`))));
    for (const r of down) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason.code).toMatch(/^ERR_NONCE_STORE_(UNAVAILABLE|TIMEOUT)$/);
    }
    await server.start();
    await whenReady(client);
    // A fresh, empty Redis: the claim works again.
    expect(await store.claim(claimOf('up-2'))).toBe(true);
    expect(await store.claim(claimOf('up-2'))).toBe(false);
  });
});
