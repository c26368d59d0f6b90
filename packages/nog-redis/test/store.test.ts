import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { ReqsignError } from '@reqsign/canonical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NogError, createVerifier, sign } from '@reqsign/nog';
import {
  createRedisNonceStore,
  NonceStoreError,
  REDIS_NONCE_STORE_DEFAULTS,
  type RedisClaimEvent,
  type RedisNonceStore,
  type RedisNonceStoreOptions,
} from '@reqsign/nog-redis';
import { connectClient, whenReady, type TestClient } from './helpers/client.js';
import { REDIS_MAJORS } from './helpers/connect.mjs';
import { redisServerInstalled, startRedisServer, type RedisServer } from './helpers/redisServer.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

const HOUR = 3_600_000;
const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
let counter = 0;
const fresh = (): string => `nonce-${process.pid}-${++counter}`;
const claimOf = (nonce = fresh()) => ({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce, expiresAt: Date.now() + HOUR, now: Date.now() });
const rejection = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as NonceStoreError) : undefined);

// A failed beforeAll marks a suite's tests as skipped; this test makes a missing Redis count as a failure in CI.
describe('the test machine', () => {
  it('has a redis-server that starts on loopback', async () => {
    expect(redisServerInstalled()).toBe(true);
    const server = await startRedisServer();
    await server.stop();
  });
});

/** A redis-server of its own for a describe block, a client of `redis` and a store on it; stopped after the block. */
function useRedis(
  redis: string,
  options: Omit<RedisNonceStoreOptions, 'client'>,
  made: (server: RedisServer, client: TestClient, store: RedisNonceStore) => void,
): void {
  let server: RedisServer | undefined;
  let client: TestClient | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectClient(server.url, redis);
    made(server, client, createRedisNonceStore({ ...options, client }));
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });
}

// The peer dependency is `redis` ^5 || ^6: the whole suite runs with a client of each major.
for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  describe(`createRedisNonceStore against a real redis-server (node-redis ${major})`, () => {
    let server: RedisServer;
    let client: TestClient;
    let store: RedisNonceStore;
    useRedis(redis, {}, (...made) => ([server, client, store] = made));

    it('is given a client of that major (6 speaks RESP3 by default, 5 RESP2: both reply forms are covered)', async () => {
      const main = createRequire(import.meta.url).resolve(redis);
      const { version } = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string };
      expect(version.split('.')[0]).toBe(major);
      expect(String(await client.sendCommand(['CLIENT', 'INFO']))).toContain(` resp=${major === '6' ? 3 : 2}`);
    });

    it('claims a nonce once: true the first time, false for every repeat', async () => {
      const claim = claimOf();
      expect(await store.claim(claim)).toBe(true);
      expect(await store.claim(claim)).toBe(false);
      expect(await store.claim({ ...claim })).toBe(false);
    });

    it('scopes nonces by key id and by authdate', async () => {
      const base = { ...claimOf(), keyId: 'alice' };
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
        fc.asyncProperty(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
          async (keyId, nonce) => {
            const claim = { keyId, authdate: `prop-${process.pid}`, nonce, expiresAt: Date.now() + HOUR, now: Date.now() };
            const id = JSON.stringify([keyId, nonce]);
            const first = await store.claim(claim);
            expect(first).toBe(!seen.has(id));
            seen.add(id);
            expect(await store.claim(claim)).toBe(false);
            // The key in Redis is exactly keyFor's (raw commands: no client-side key prefix or encoding in between).
            expect(await client.exists(store.keyFor(claim))).toBe(1);
          },
        ),
        { numRuns: 300 },
      );
    });

    it("stores the key with SET NX PX for expiresAt - now (the verifier's clock) plus the clock tolerance, and the claim's own tag as its value", async () => {
      // A verifier clock an hour off the machine's: the key's time to live follows the claim, not Redis's clock.
      const now = Date.now() - HOUR;
      const claim = { keyId: 'k', authdate: '2015-04-20T123456Z', nonce: fresh(), expiresAt: now + HOUR + 0.4, now };
      expect(await store.claim(claim)).toBe(true);
      const key = store.keyFor(claim);
      expect(key).toBe(`reqsign:nog:nonce:${JSON.stringify([claim.keyId, claim.authdate, claim.nonce])}`);
      // The value is the claim's tag: 12 base64url characters (72 random bits), another for every claim.
      const tag = await client.get(key);
      expect(tag).toMatch(/^[A-Za-z0-9_-]{12}$/);
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
      expect(await client.get(`svc-a:${JSON.stringify([other.keyId, other.authdate, other.nonce])}`)).not.toBe(tag);
    });

    it("sends the command the package's description names (SET NX GET PX), one per claim", async () => {
      const { description } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { description: string };
      const sent: string[][] = [];
      const recording = {
        get isReady() {
          return client.isReady;
        },
        sendCommand: (args: string[]) => {
          sent.push(args);
          return client.sendCommand(args);
        },
      };
      const s = createRedisNonceStore({ client: recording as never });
      expect(await s.claim(claimOf())).toBe(true);
      expect(sent).toHaveLength(1);
      const [command, , , ...options] = sent[0]!;
      const words = [command, ...options.filter((o) => /^[A-Z]+$/.test(o))].join(' ');
      expect(words).toBe('SET NX GET PX');
      expect(description).toContain(`one atomic ${words} per claim`);
    });

    it('gives every claim its own tag: 2,000 claims of one store and of another, no two alike', async () => {
      // A generous timeout: 2,000 claims at once on a loaded machine are slow, not lost.
      const stores = [createRedisNonceStore({ client, timeoutMs: 20_000 }), createRedisNonceStore({ client, timeoutMs: 20_000 })];
      const claims = Array.from({ length: 2000 }, () => claimOf());
      expect(await Promise.all(claims.map((claim, i) => stores[i % 2]!.claim(claim)))).toEqual(claims.map(() => true));
      const tags = (await Promise.all(claims.map((claim) => client.get(store.keyFor(claim))))) as string[];
      for (const tag of tags) expect(tag).toMatch(/^[A-Za-z0-9_-]{12}$/);
      expect(new Set(tags).size).toBe(claims.length);
    });

    it("a claim's tag is the longest value that costs Redis what one character costs; 13 to 28 characters cost 16 more, by MEMORY USAGE (the README: 32 bytes, and 48)", async () => {
      const probe = `memory-probe-${major}`;
      const usage = async (value: string): Promise<number> => {
        await client.sendCommand(['SET', probe, value]);
        return Number(await client.sendCommand(['MEMORY', 'USAGE', probe]));
      };
      const claim = claimOf();
      expect(await store.claim(claim)).toBe(true);
      const tag = (await client.get(store.keyFor(claim))) as string;
      const one = await usage('A');
      expect(await usage(tag)).toBe(one);
      const costs = new Map<number, number>();
      for (let n = tag.length + 1; n <= 29; n++) costs.set(n, (await usage('A'.repeat(n))) - one);
      expect([...costs.values()].slice(0, -1).every((c) => c === 16)).toBe(true);
      expect(costs.get(29)).toBe(32);
      await client.del(probe);
    });

    it("mixed fleets: a value an older store wrote (1) or a later version's longer tag is another claim's, a replay; a value no store writes fails closed", async () => {
      // An older store claims with SET key 1 NX PX: this store refuses the nonce as a replay, and leaves the key.
      const older = claimOf();
      expect(await client.sendCommand(['SET', store.keyFor(older), '1', 'NX', 'PX', String(HOUR)])).toBe('OK');
      expect(await store.claim(older)).toBe(false);
      expect(await client.get(store.keyFor(older))).toBe('1');
      // This store claims first: the older store's SET NX finds the key (nil: a replay to it too).
      const newer = claimOf();
      expect(await store.claim(newer)).toBe(true);
      expect(await client.sendCommand(['SET', store.keyFor(newer), '1', 'NX', 'PX', String(HOUR)])).toBe(null);
      // A later version's tag, longer, of the same characters: a replay.
      const later = claimOf();
      await client.sendCommand(['SET', store.keyFor(later), 'A'.repeat(40), 'PX', String(HOUR)]);
      expect(await store.claim(later)).toBe(false);
      // Values that no nonce store writes (an OK, which a server that ignored GET would answer, text, a short
      // token, an empty string): not a replay, not new, ERR_NONCE_STORE_REPLY.
      for (const value of ['OK', 'not a tag', 'abc', '', 'A'.repeat(65)]) {
        const claim = claimOf();
        await client.sendCommand(['SET', store.keyFor(claim), value, 'PX', String(HOUR)]);
        await expect(store.claim(claim)).rejects.toMatchObject({ code: 'ERR_NONCE_STORE_REPLY' });
      }
    });

    it('an ACL user needs read access to the keys besides +set (GET reads the value): write-only access fails every claim closed (NOPERM in the cause)', async () => {
      const storeOf = async (user: string, keys: string) => {
        await client.sendCommand(['ACL', 'SETUSER', user, 'reset', 'on', '>secret-of-test', keys, '-@all', '+hello', '+set']);
        const c = await connectClient(`redis://${user}:secret-of-test@127.0.0.1:${server.port}`, redis);
        return [c, createRedisNonceStore({ client: c, timeoutMs: 20_000 })] as const;
      };
      const [writeOnly, denied] = await storeOf(`w${major}`, '%W~*');
      const [readWrite, allowed] = await storeOf(`rw${major}`, '~*');
      try {
        const [refused] = await Promise.allSettled([denied.claim(claimOf())]);
        expect(rejection(refused)).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE' });
        expect(String((rejection(refused)!.cause as Error).message)).toMatch(/^NOPERM/);
        const claim = claimOf();
        expect([await allowed.claim(claim), await allowed.claim(claim)]).toEqual([true, false]);
      } finally {
        writeOnly.destroy();
        readWrite.destroy();
      }
    });

    it('makes a nonce claimable again only once its expiry has passed', async () => {
      const exact = createRedisNonceStore({ client, clockToleranceMs: 0 });
      const now = Date.now();
      const claim = { ...claimOf(), expiresAt: now + 300, now };
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
      const second = await connectClient(server.url, redis);
      try {
        const stores = [createRedisNonceStore({ client, timeoutMs: 10_000 }), createRedisNonceStore({ client: second, timeoutMs: 10_000 })];
        const claim = claimOf();
        const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => stores[i % 2]!.claim(claim)));
        expect(results.filter(Boolean)).toHaveLength(1);
      } finally {
        second.destroy();
      }
    });

    it('arms one timer for a thousand claims in flight, not one per claim', async () => {
      const own = createRedisNonceStore({ client, timeoutMs: 10_000 });
      const original = globalThis.setTimeout;
      let timers = 0;
      globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
        timers++;
        return original(...args);
      }) as typeof setTimeout;
      try {
        const results = await Promise.all(Array.from({ length: 1000 }, () => own.claim(claimOf())));
        expect(results.every(Boolean)).toBe(true);
      } finally {
        globalThis.setTimeout = original;
      }
      expect(timers).toBeLessThanOrEqual(2);
    });

    it('counts accepted claims and refused replays, and tells onClaim about each', async () => {
      const events: RedisClaimEvent[] = [];
      const counted = createRedisNonceStore({ client, onClaim: (e) => events.push(e) });
      const claims = Array.from({ length: 10 }, () => claimOf());
      await Promise.all(claims.map((c) => counted.claim(c)));
      await Promise.all(claims.slice(0, 4).map((c) => counted.claim(c)));
      expect(counted.metrics()).toMatchObject({ accepted: 10, replays: 4, inFlight: 0 });
      expect(Object.values(counted.metrics().failures).every((n) => n === 0)).toBe(true);
      expect(events.filter((e) => e.result === 'accepted')).toHaveLength(10);
      expect(events.filter((e) => e.result === 'replay')).toHaveLength(4);
      for (const e of events) expect(e.ms).toBeGreaterThanOrEqual(0);
      // A hook that throws changes nothing.
      const throwing = createRedisNonceStore({
        client,
        onClaim: () => {
          throw new Error('metrics backend down');
        },
      });
      expect(await throwing.claim(claimOf())).toBe(true);
      // onClaim is called after the counters changed: the hook's own claim is in the metrics it reads.
      const seen: number[] = [];
      const ordered: RedisNonceStore = createRedisNonceStore({
        client,
        onClaim: () => {
          const m = ordered.metrics();
          seen.push(m.accepted + m.replays);
        },
      });
      const twice = claimOf();
      for (const c of [claimOf(), twice, twice]) await ordered.claim(c);
      expect(seen).toEqual([1, 2, 3]);
      // A snapshot: later claims do not change it.
      const snapshot = counted.metrics();
      await counted.claim(claimOf());
      expect(snapshot.accepted).toBe(10);
    });

    it('fails with ERR_NONCE_STORE_FULL (reason full) when Redis is out of memory, and never evicts', async () => {
      const full = createRedisNonceStore({ client, prefix: 'oom:' });
      const before = claimOf();
      expect(await full.claim(before)).toBe(true);
      await client.configSet('maxmemory', '1');
      try {
        // A new nonce and a replay alike: Redis refuses any SET when full, so both fail closed (503).
        const r = await Promise.allSettled([full.claim(claimOf()), full.claim(before)]);
        for (const each of r) {
          expect(rejection(each)).toMatchObject({ code: 'ERR_NONCE_STORE_FULL', message: 'Redis is out of memory for nonces' });
          expect(rejection(each)?.cause).toBeInstanceOf(Error);
        }
      } finally {
        await client.configSet('maxmemory', '0');
      }
      expect(full.metrics().failures.ERR_NONCE_STORE_FULL).toBe(2);
      expect(full.metrics().reasons.full).toBe(2);
      // Nothing was evicted to make room: the nonce claimed before is still refused.
      expect(await full.claim(before)).toBe(false);
      expect(await full.claim(claimOf())).toBe(true);
    });

    it('rejects bad arguments with ERR_INVALID_ARGUMENT and impossible values with ERR_OPTION_RANGE, naming them', async () => {
      const bad = (f: () => unknown, code: string, name: string): void => {
        try {
          f();
        } catch (err) {
          expect(err).toBeInstanceOf(NogError);
          expect(err).toBeInstanceOf(ReqsignError);
          expect((err as NogError).code).toBe(code);
          expect((err as Error).message).toContain(name);
          return;
        }
        throw new Error(`expected a throw naming ${name}`);
      };
      bad(() => createRedisNonceStore(undefined as never), 'ERR_INVALID_ARGUMENT', 'options');
      bad(() => createRedisNonceStore({ client: {} as never }), 'ERR_INVALID_ARGUMENT', 'client');
      bad(() => createRedisNonceStore({ client, prefix: 1 as never }), 'ERR_INVALID_ARGUMENT', 'prefix');
      bad(() => createRedisNonceStore({ client, timeoutMs: '5' as never }), 'ERR_INVALID_ARGUMENT', 'timeoutMs');
      bad(() => createRedisNonceStore({ client, timeoutMs: 0 }), 'ERR_OPTION_RANGE', 'timeoutMs');
      bad(() => createRedisNonceStore({ client, timeoutMs: 1.5 }), 'ERR_OPTION_RANGE', 'timeoutMs');
      // setTimeout takes at most 2^31 - 1 ms; more would fire at once and fail every claim.
      bad(() => createRedisNonceStore({ client, timeoutMs: 2 ** 31 }), 'ERR_OPTION_RANGE', 'timeoutMs');
      bad(() => createRedisNonceStore({ client, timeoutMs: Number.MAX_SAFE_INTEGER }), 'ERR_OPTION_RANGE', 'timeoutMs');
      bad(() => createRedisNonceStore({ client, clockToleranceMs: -1 }), 'ERR_OPTION_RANGE', 'clockToleranceMs');
      bad(() => createRedisNonceStore({ client, maxInFlight: 0 }), 'ERR_OPTION_RANGE', 'maxInFlight');
      bad(() => createRedisNonceStore({ client, onClaim: 1 as never }), 'ERR_INVALID_ARGUMENT', 'onClaim');
      bad(() => createRedisNonceStore({ client, durability: 1 as never }), 'ERR_INVALID_ARGUMENT', 'durability');
      bad(() => createRedisNonceStore({ client, durability: {} as never }), 'ERR_INVALID_ARGUMENT', 'durability.replicas');
      bad(() => createRedisNonceStore({ client, durability: { replicas: 0 } }), 'ERR_OPTION_RANGE', 'durability.replicas');
      // A misspelt option is refused with the one meant, not silently ignored (the unit is in the range message).
      bad(() => createRedisNonceStore({ client, timeout: 100 } as never), 'ERR_INVALID_ARGUMENT', '(did you mean timeoutMs?)');
      bad(() => createRedisNonceStore({ client, clockTolerance: 5 } as never), 'ERR_INVALID_ARGUMENT', 'did you mean clockToleranceMs?');
      bad(() => createRedisNonceStore({ client, durability: { replica: 1 } } as never), 'ERR_INVALID_ARGUMENT', 'did you mean replicas?');
      bad(() => createRedisNonceStore({ client, timeoutMs: 0 }), 'ERR_OPTION_RANGE', 'of milliseconds from 1 to 2147483647');
      // WAIT must answer before the claims waiting on it time out.
      bad(
        () => createRedisNonceStore({ client, timeoutMs: 100, durability: { replicas: 1, timeoutMs: 100 } }),
        'ERR_OPTION_RANGE',
        'durability.timeoutMs',
      );
      const { createClientPool } = await import(redis);
      const pool = createClientPool({ url: server.url });
      bad(() => createRedisNonceStore({ client: pool, durability: { replicas: 1 } }), 'ERR_INVALID_ARGUMENT', 'pool');
      const good = claimOf();
      await expect(store.claim({ ...good, keyId: 1 as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      await expect(store.claim({ ...good, nonce: null as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      await expect(store.claim({ ...good, expiresAt: Number.NaN })).rejects.toMatchObject({
        message: expect.stringContaining('expiresAt'),
      });
      // The store reads no clock: a claim must carry the verifier's.
      await expect(store.claim({ ...good, now: undefined as never })).rejects.toMatchObject({ message: expect.stringContaining('now') });
    });

    it("works on a client pool without durability; a client's keyPrefix does not apply: the keys are exactly keyFor(claim)", async () => {
      const { createClient, createClientPool } = await import(redis);
      const pool = createClientPool({ url: server.url, disableOfflineQueue: true });
      pool.on('error', () => {});
      const prefixed = createClient({ url: server.url, keyPrefix: 'app:', disableOfflineQueue: true });
      prefixed.on('error', () => {});
      await Promise.all([pool.connect(), prefixed.connect()]);
      try {
        // node-redis 6 applies keyPrefix to its typed commands (5 has no such option): the prefix is in effect.
        await prefixed.set(`probe-${major}`, '1');
        expect(await client.exists(`app:probe-${major}`)).toBe(major === '6' ? 1 : 0);
        for (const on of [pool, prefixed]) {
          const s = createRedisNonceStore({ client: on, timeoutMs: 20_000 });
          const claim = claimOf();
          expect([await s.claim(claim), await s.claim(claim)]).toEqual([true, false]);
          // Read through the test's own client, which has no prefix.
          expect(await client.exists(s.keyFor(claim))).toBe(1);
          expect(await client.exists(`app:${s.keyFor(claim)}`)).toBe(0);
        }
      } finally {
        pool.destroy();
        prefixed.destroy();
      }
    });

    it("has the README's defaults, and durability's timeoutMs is half the store's (a server without replicas: 0 of 1 within 200 ms)", async () => {
      expect({ ...REDIS_NONCE_STORE_DEFAULTS }).toEqual({
        prefix: 'reqsign:nog:nonce:',
        timeoutMs: 250,
        clockToleranceMs: 30_000,
        maxInFlight: 10_000,
      });
      const durable = createRedisNonceStore({ client, timeoutMs: 400, durability: { replicas: 1 } });
      const [r] = await Promise.allSettled([durable.claim(claimOf())]);
      expect(rejection(r)).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE' });
      expect((rejection(r)!.cause as Error).message).toBe('WAIT counted fewer replicas than durability.replicas: 0 of 1 within 200 ms');
      expect(durable.metrics().reasons.replicas).toBe(1);
    });

    it('takes the longest timeoutMs that setTimeout can wait (2^31 - 1 ms) and still answers claims', async () => {
      const patient = createRedisNonceStore({ client, timeoutMs: 2 ** 31 - 1 });
      const claim = claimOf();
      expect(await patient.claim(claim)).toBe(true);
      expect(await patient.claim(claim)).toBe(false);
    });
  });

  describe(`createRedisNonceStore fails closed (node-redis ${major})`, () => {
    let server: RedisServer;
    let client: TestClient;
    let store: RedisNonceStore;
    useRedis(redis, { timeoutMs: 300 }, (...made) => ([server, client, store] = made));

    it('rejects with ERR_NONCE_STORE_TIMEOUT when Redis is connected but frozen, then works once it thaws', async () => {
      expect(await store.claim(claimOf('before-freeze'))).toBe(true);
      server.signal('SIGSTOP');
      let results: PromiseSettledResult<boolean>[];
      try {
        // Every claim answers while Redis is still frozen: SIGCONT comes only after they all settled.
        results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.claim(claimOf(`frozen-${i}`))));
      } finally {
        server.signal('SIGCONT');
      }
      for (const r of results) {
        expect(rejection(r)).toBeInstanceOf(NonceStoreError);
        expect(rejection(r)).toMatchObject({ code: 'ERR_NONCE_STORE_TIMEOUT', message: 'Redis did not answer the nonce claim in time' });
      }
      // The frozen commands still reach Redis after the thaw: those nonces are burned, never accepted later.
      await whenReady(client);
      expect(await store.claim(claimOf('after-thaw'))).toBe(true);
      expect(await store.claim(claimOf('frozen-0'))).toBe(false);
    });

    it('fails within the default bound (250 ms) when Redis is frozen, while the old default waited 2 s', async () => {
      expect(REDIS_NONCE_STORE_DEFAULTS.timeoutMs).toBe(250);
      const bounded = createRedisNonceStore({ client });
      server.signal('SIGSTOP');
      let took: number;
      let r: PromiseSettledResult<boolean>[];
      try {
        const started = performance.now();
        r = await Promise.allSettled([bounded.claim(claimOf())]);
        took = performance.now() - started;
      } finally {
        server.signal('SIGCONT');
      }
      expect(rejection(r[0]!)?.code).toBe('ERR_NONCE_STORE_TIMEOUT');
      expect(took).toBeGreaterThanOrEqual(249);
      expect(took).toBeLessThan(1000); // the bound, with room for a slow machine; well under the old 2,000 ms
      await whenReady(client);
    });

    it('never queues more than maxInFlight claims for a frozen Redis: the rest fail at once, and service resumes by itself', async () => {
      const capped = createRedisNonceStore({ client, timeoutMs: 200, maxInFlight: 100 });
      server.signal('SIGSTOP');
      let results: PromiseSettledResult<boolean>[];
      let inFlightWhileFrozen: number;
      let lateRefusals: PromiseSettledResult<boolean>[];
      try {
        results = await Promise.allSettled(Array.from({ length: 1000 }, () => capped.claim(claimOf())));
        // Timed out, but still unanswered by Redis: they still count, so more claims are refused at once.
        inFlightWhileFrozen = capped.metrics().inFlight;
        lateRefusals = await Promise.allSettled(Array.from({ length: 50 }, () => capped.claim(claimOf())));
      } finally {
        server.signal('SIGCONT');
      }
      const codes = results.map((r) => rejection(r)?.code);
      expect(codes.filter((c) => c === 'ERR_NONCE_STORE_TIMEOUT')).toHaveLength(100);
      expect(codes.filter((c) => c === 'ERR_NONCE_STORE_UNAVAILABLE')).toHaveLength(900);
      expect(inFlightWhileFrozen).toBe(100);
      for (const r of lateRefusals) expect(rejection(r)).toMatchObject({ message: 'Too many nonce claims are waiting for Redis' });
      expect(capped.metrics().reasons).toMatchObject({ timeout: 100, overloaded: 950 });
      // Redis answers the 100 after the thaw; then the store takes claims again, with no restart.
      await whenReady(client);
      for (let i = 0; capped.metrics().inFlight > 0; i++) {
        if (i > 100) throw new Error('claims stayed in flight');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await capped.claim(claimOf())).toBe(true);
    });

    it('rejects with ERR_NONCE_STORE_UNAVAILABLE while Redis is down and recovers when it is back', async () => {
      const counted = createRedisNonceStore({ client, timeoutMs: 300 });
      expect(await counted.claim(claimOf('up-1'))).toBe(true);
      await server.stop();
      const down = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => counted.claim(claimOf(`down-${i}`))));
      for (const r of down) expect(rejection(r)?.code).toMatch(/^ERR_NONCE_STORE_(UNAVAILABLE|TIMEOUT)$/);
      expect(counted.metrics().failures.ERR_NONCE_STORE_UNAVAILABLE + counted.metrics().failures.ERR_NONCE_STORE_TIMEOUT).toBe(50);
      await server.start();
      await whenReady(client);
      // A fresh, empty Redis: the claim works again.
      expect(await counted.claim(claimOf('up-2'))).toBe(true);
      expect(await counted.claim(claimOf('up-2'))).toBe(false);
    });

    it('while the client is not connected, rejects a claim at once (before any reply could come), ERR_NONCE_STORE_UNAVAILABLE, reason disconnected, the README cause', async () => {
      const events: RedisClaimEvent[] = [];
      // A time limit no test reaches: "at once" cannot be the timeout.
      const offline = createRedisNonceStore({ client, timeoutMs: 60_000, onClaim: (e) => events.push(e) });
      await server.stop();
      try {
        for (let i = 0; client.isReady; i++) {
          if (i > 1000) throw new Error('the client still says it is ready');
          await new Promise((r) => setTimeout(r, 10));
        }
        const claim = offline.claim(claimOf());
        // Settled before the event loop's next turn: no command went out, nothing waits for a socket.
        const first = await Promise.race([
          claim.then(
            () => 'accepted',
            (error: unknown) => error,
          ),
          new Promise((r) => setImmediate(() => r('still pending'))),
        ]);
        expect(first).toBeInstanceOf(NonceStoreError);
        expect(first).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE', message: 'The Redis client is not connected' });
        expect(((first as NonceStoreError).cause as Error).message).toBe(
          'the Redis client (or the cluster node that holds the key) is not connected',
        );
        expect(offline.metrics()).toMatchObject({ inFlight: 0, reasons: { disconnected: 1 } });
        expect(events).toMatchObject([{ result: 'failed', code: 'ERR_NONCE_STORE_UNAVAILABLE', reason: 'disconnected' }]);
      } finally {
        await server.start();
        await whenReady(client);
      }
      expect(await offline.claim(claimOf())).toBe(true);
    });

    it("never puts a key id or nonce in a failure's message or cause (disconnected, timeout, overloaded, reply)", async () => {
      const keyId = 'KEYID-in-a-message';
      const secretish = 'NONCE-in-a-message';
      const mine = (i: number) => ({ ...claimOf(`${secretish}-${i}`), keyId });
      const store1 = createRedisNonceStore({ client, timeoutMs: 300, maxInFlight: 1 });
      const errors: NonceStoreError[] = [];
      const collect = async (claims: Promise<boolean>[]) => {
        for (const r of await Promise.allSettled(claims)) if (rejection(r)) errors.push(rejection(r)!);
      };
      // A value no nonce store writes: reply.
      await client.sendCommand(['SET', store1.keyFor(mine(0)), 'OK', 'PX', String(HOUR)]);
      await collect([store1.claim(mine(0))]);
      // Frozen: the first claim times out, the second finds maxInFlight taken (overloaded).
      server.signal('SIGSTOP');
      try {
        await collect([store1.claim(mine(1)), store1.claim(mine(2))]);
      } finally {
        server.signal('SIGCONT');
      }
      await whenReady(client);
      // Stopped: disconnected.
      await server.stop();
      try {
        for (let i = 0; client.isReady; i++) {
          if (i > 1000) throw new Error('the client still says it is ready');
          await new Promise((r) => setTimeout(r, 10));
        }
        await collect([store1.claim(mine(3))]);
      } finally {
        await server.start();
        await whenReady(client);
      }
      expect(errors.map((e) => e.code)).toEqual([
        'ERR_NONCE_STORE_REPLY',
        'ERR_NONCE_STORE_TIMEOUT',
        'ERR_NONCE_STORE_UNAVAILABLE',
        'ERR_NONCE_STORE_UNAVAILABLE',
      ]);
      // The causes the README quotes, with the limit reached (this store's: 300 ms, 1 in flight).
      expect(errors.map((e) => (e.cause as Error).message)).toEqual([
        "SET NX GET answered something other than nil or a nonce store's value: a string of 2 characters",
        'Redis did not answer within 300 ms (timeoutMs)',
        'maxInFlight (1) claims were already waiting for Redis',
        'the Redis client (or the cluster node that holds the key) is not connected',
      ]);
      for (const error of errors) {
        const text = [error.message, String(error.cause), JSON.stringify(error)].join('\n');
        expect(text).not.toContain(keyId);
        expect(text).not.toContain(secretish);
      }
    });

    /**
     * The documented limit (README, "Restarts and failover forget"): a Redis without persistence that restarts or is
     * flushed has forgotten the nonces it held, so each still-valid signed request is accepted once more after each,
     * and only once.
     */
    it('forgets every claim when Redis restarts or is flushed without persistence: each still-valid request is accepted once more, then refused', async () => {
      const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
      const urls = await Promise.all(Array.from({ length: 100 }, (_, i) => sign('GET', `/forget/${i}`, KEY).then((s) => s.url)));
      const accepted = async () => (await Promise.all(urls.map((u) => verifier.verify('GET', u)))).filter((r) => r.ok).length;
      expect(await accepted()).toBe(100);
      expect(await accepted()).toBe(0);
      await server.stop();
      await server.start();
      await whenReady(client);
      expect(await accepted()).toBe(100); // each replayed once
      expect(await accepted()).toBe(0);
      await client.flushAll();
      expect(await accepted()).toBe(100);
      expect(await accepted()).toBe(0);
    });
  });
}

describe('a client of the wrong shape', () => {
  it('answers a claim with a NonceStoreError when sendCommand returns no promise (not a TypeError)', async () => {
    for (const reply of [1, 'nope', {}]) {
      const store = createRedisNonceStore({ client: { sendCommand: () => reply } as never });
      const err = await store.claim(claimOf()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonceStoreError);
      expect((err as NonceStoreError).code).toMatch(/^ERR_NONCE_STORE_/);
    }
  });
});
