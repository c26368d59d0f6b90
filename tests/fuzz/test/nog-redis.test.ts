import fc from 'fast-check';
import * as nogRedis from '@reqsign/nog-redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../../packages/nog-redis/test/helpers/client.js';
import { startRedisServer, type RedisServer } from '../../../packages/nog-redis/test/helpers/redisServer.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { hostile, near, options, text } from './arbitraries.js';
import { expectClean, fuzz, unfuzzedExports } from './harness.js';

requirePrograms('redis-server');

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
let server: RedisServer;
let client: TestClient;
/** A real client that was never connected: every claim on it must fail closed, at once. */
const unconnected = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true });

beforeAll(async () => {
  server = await startRedisServer();
  client = await connectClient(server.url);
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

/** Timeouts a caller may write: tiny, huge, negative, not whole, past what setTimeout takes (2^31 - 1). */
const millis = fc.oneof(
  fc.constantFrom(1, 250, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -1, 0, 0.5, Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.integer({ min: -10, max: 2 ** 31 + 10 }),
  fc.double(),
);
let counter = 0;
/** Claims near what a verifier sends (a fresh nonce each), with hostile fields. */
const claim = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ keyId: text, expiresIn: fc.integer({ min: -1000, max: 3_600_000 }) }).map(({ keyId, expiresIn }) => ({
      keyId,
      authdate: '2026-01-02T030405Z',
      nonce: `n${process.pid}-${++counter}`,
      expiresAt: NOW + expiresIn,
      now: NOW,
    })),
  },
  {
    weight: 1,
    arbitrary: options({
      keyId: text,
      authdate: fc.constantFrom('2026-01-02T030405Z', '', '\r\n*1\r\n$8\r\nFLUSHALL\r\n'),
      nonce: fc.oneof(fc.string({ maxLength: 30 }), fc.string({ minLength: 3000, maxLength: 4000 })),
      expiresAt: fc.oneof(fc.constant(NOW + 600_000), fc.double(), fc.constant(2 ** 60)),
      now: fc.oneof(fc.constant(NOW), fc.double()),
    }),
  },
);
/** Timeouts for a store on the live server: short when valid (a WAIT for absent replicas lasts that long). */
const shortMillis = fc.oneof(
  fc.integer({ min: 1, max: 40 }),
  fc.constantFrom(2 ** 31, 2 ** 32, -1, 0, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
);
const storeOptions = (c: () => unknown, timeouts: fc.Arbitrary<number>) =>
  fc.oneof(
    // Options that make a store, so that the claims get to Redis.
    {
      weight: 1,
      arbitrary: fc.record(
        { client: fc.constant(null).map(c), prefix: fc.oneof(fc.constant('fuzz:'), text), timeoutMs: fc.integer({ min: 20, max: 200 }) },
        { requiredKeys: ['client'] },
      ),
    },
    { weight: 1, arbitrary: hostileStoreOptions(c, timeouts) },
  );
const hostileStoreOptions = (c: () => unknown, timeouts: fc.Arbitrary<number>) =>
  options({
    client: fc.oneof(
      { arbitrary: fc.constant(null).map(c), weight: 6 },
      { arbitrary: fc.constantFrom({}, { sendCommand: 1 }, { sendCommand: () => 1 }), weight: 1 },
    ),
    prefix: fc.oneof(fc.constant('fuzz:'), text),
    timeoutMs: timeouts,
    clockToleranceMs: millis,
    maxInFlight: fc.oneof(fc.constantFrom(1, 10_000), millis),
    durability: fc.oneof(
      fc.record({ replicas: near(fc.integer({ min: -1, max: 2 })), timeoutMs: near(timeouts) }, { requiredKeys: [] }),
      hostile,
    ),
    onClaim: fc.oneof(
      fc.constant(() => {
        throw new Error('hook');
      }),
      fc.func(hostile),
    ),
  });

/** The claims' outcomes must be booleans; the store's metrics must always read. */
async function claimAll(store: nogRedis.RedisNonceStore, claims: unknown[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of claims) {
    try {
      out.push(await store.claim(c as never));
    } catch (err) {
      if (!(err instanceof nogRedis.NonceStoreError || (err as { code?: unknown }).code === 'ERR_INVALID_ARGUMENT')) throw err;
      out.push(err);
    }
    store.metrics();
  }
  return out;
}

const ENTRIES: Record<string, { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown; runs?: number }> = {
  createRedisNonceStore: {
    args: fc.tuple(
      storeOptions(() => client, shortMillis),
      fc.array(claim, { maxLength: 3 }),
    ),
    call: async (o, claims) => {
      const store = nogRedis.createRedisNonceStore(o as never);
      for (const c of claims as unknown[]) store.keyFor(c as never);
      return claimAll(store, claims as unknown[]);
    },
    // Every claim is a round trip to a real redis-server (a durability one waits for replicas that do not exist, up
    // to its timeout): 1,000 inputs keep the file within its time.
    runs: 1000,
  },
  'createRedisNonceStore (unconnected client)': {
    args: fc.tuple(
      storeOptions(() => unconnected, millis),
      fc.array(claim, { maxLength: 3 }),
    ),
    call: async (o, claims) => {
      const store = nogRedis.createRedisNonceStore(o as never);
      const out = await claimAll(store, claims as unknown[]);
      // Never a pass without Redis: a well-formed claim fails closed.
      for (const r of out) expect(r).not.toBe(true);
      return out;
    },
  },
};

describe('@reqsign/nog-redis', () => {
  it('has an entry for every exported function', () => {
    expect(unfuzzedExports(nogRedis, ['createRedisNonceStore'], ['NonceStoreError', 'NogError', 'ReqsignError'])).toEqual([]);
  });

  for (const [entry, { args, call, runs }] of Object.entries(ENTRIES)) {
    it(`${entry}: answers each claim with a boolean or a NonceStoreError, or refuses its options with a typed error`, async () => {
      expectClean(await fuzz(`nog-redis.${entry}`, args, call, runs === undefined ? {} : { runs }));
    });
  }

  it('refuses a timeoutMs that setTimeout cannot hold (issue 18 item 6), and a claim at 2^31 - 1 still answers', async () => {
    const summary = await fuzz(
      'nog-redis.timeoutMs',
      fc.tuple(millis),
      async (timeoutMs) => {
        const store = nogRedis.createRedisNonceStore({ client, timeoutMs: timeoutMs as number });
        return {
          timeoutMs,
          claimed: await store.claim({ keyId: 'k', authdate: 'd', nonce: `t${++counter}`, expiresAt: NOW + 1000, now: NOW }),
        };
      },
      {
        runs: 300,
        check: (value) => {
          const { timeoutMs, claimed } = value as { timeoutMs: number; claimed: boolean };
          expect(Number.isSafeInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 2 ** 31 - 1).toBe(true);
          // A fresh nonce on a live Redis: accepted, unless the caller's budget is one a loaded machine (the suite runs
          // files side by side) can miss; a budget of seconds is never missed for a claim on loopback.
          if (timeoutMs >= 10_000) expect(claimed).toBe(true);
        },
      },
    );
    expectClean(summary);
    expect(() => nogRedis.createRedisNonceStore({ client, timeoutMs: 2 ** 31 })).toThrow(
      expect.objectContaining({ code: 'ERR_OPTION_RANGE' }),
    );
  });
});
