import { afterAll, beforeAll, expect, it } from 'vitest';
import { createVerifier, sign } from '@reqsign/nog';
import { createRedisNonceStore, type NonceStoreError } from '@reqsign/nog-redis';
import { connect, REDIS_MAJORS } from './helpers/connect.mjs';
import { startRedisSentinel, type RedisSentinelSet } from './helpers/redisSentinel.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

/**
 * A Sentinel-managed primary behind the fault proxy (helpers/faultProxy.ts): the sentinel, the replica and the
 * store's client all reach the primary through it, so a test can cut the store's connection after a SET ran on the
 * primary and before its reply reached the client.
 */

const KEY = { id: 'sentinel-fault', secret: '0123456789abcdef0123456789abcdef01234567' };
let n = 0;
const nonce = () => `sf-${process.pid}-${++n}`;

let set: RedisSentinelSet;
const clients: Array<{ destroy(): void }> = [];
beforeAll(async () => {
  // No failover here: a sentinel that took a loaded machine's slow answers for a dead primary would promote the
  // replica, which is not behind the proxy, and no later fault would reach the store.
  set = await startRedisSentinel({ replicas: 1, faults: true, downAfterMs: 60_000 });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await set?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const claimOf = () => ({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce: nonce(), expiresAt: Date.now() + 3_600_000, now: Date.now() });
const signed = async () => (await sign('GET', `/sf/${nonce()}`, KEY)).url;

const sentinelClient = async (redis: string) => {
  const client = (await connect({ redis, kind: 'sentinel', name: set.name, sentinels: [...set.sentinels], connectTimeoutMs: 20_000 })) as {
    destroy(): void;
  };
  clients.push(client);
  return client;
};

for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  for (const durability of [undefined, { replicas: 1, timeoutMs: 5000 }]) {
    it(`node-redis ${major}, ${durability ? 'with durability: a SET that ran but whose reply was cut (node-redis re-sends it) is never accepted, and answers 503' : 'without durability: a SET that ran but whose reply was cut (node-redis re-sends it) finds its own tag and is accepted'}, never "seen before"; then the nonce is a replay`, async () => {
      const client = await sentinelClient(redis);
      const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability });
      const verifierOf = (nonceStore: typeof store) => createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore });
      const warm = verifierOf(store);
      expect((await warm.verify('GET', await signed())).ok).toBe(true);
      const proxy = set.faults!;
      // Cut at the first reply of each kind: the SET's, and (all of the batch re-sent) the first CLIENT INFO's, on a
      // store that has sent a batch before and on a fresh one (its first batch).
      const cases = durability
        ? ([
            ['SET', false],
            ['CLIENT', false],
            ['CLIENT', true],
          ] as const)
        : ([
            ['SET', false],
            ['SET', true],
          ] as const);
      for (const [cutAt, fresh] of cases) {
        const verifier = fresh ? verifierOf(createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability })) : warm;
        const url = await signed();
        let cuts = 0;
        proxy.onReply = (command) => (command[0] === cutAt && ++cuts === 1 ? 'cut' : undefined);
        let result: Awaited<ReturnType<typeof verifier.verify>>;
        try {
          result = await verifier.verify('GET', url);
        } finally {
          proxy.onReply = undefined;
        }
        expect(cuts).toBeGreaterThan(1); // cut once, and re-sent on a new connection
        const code = result.ok ? 'accepted' : result.code;
        if (!durability) {
          // The re-sent SET NX GET found the value the first one wrote: this claim's own tag, so the nonce is new.
          expect(code).toBe('accepted');
        } else {
          // The claim's SET ran on the connection that broke: the WAIT of the re-sent batch, on the new connection,
          // cannot vouch for it (its own tag is found: new, but not known to be replicated).
          expect(code).toBe('ERR_AUTH_NONCE_STORE');
          expect(String(((result as { cause?: NonceStoreError }).cause as NonceStoreError).cause)).toMatch(
            /re-sent: the batch's WAIT ran on another connection/,
          );
        }
        // The nonce is the claim's: the same request is a replay from now on, to this store and to another one.
        expect(await verifier.verify('GET', url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
        const other = verifierOf(createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability }));
        expect(await other.verify('GET', url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
      }
    });
  }
}

for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  for (const durability of [undefined, { replicas: 1, timeoutMs: 5000 }]) {
    it(`node-redis ${major}, ${durability ? 'with' : 'without'} durability: a claim whose SET ran and was re-sent after a cut is accepted ${durability ? 'never (503)' : 'exactly once'}; the same nonce claimed again by the same store and by a second store, racing the re-send and after it, is refused as a replay`, async () => {
      const [first, second] = [await sentinelClient(redis), await sentinelClient(redis)];
      const store = createRedisNonceStore({ client: first as never, timeoutMs: 10_000, durability });
      const secondStore = createRedisNonceStore({ client: second as never, timeoutMs: 10_000, durability });
      expect(await store.claim(claimOf())).toBe(true);
      expect(await secondStore.claim(claimOf())).toBe(true);
      const claim = claimOf();
      const key = store.keyFor(claim);
      let sets = 0;
      let racing: Array<Promise<boolean>> = [];
      set.faults!.onReply = (command) => {
        if (command[0] !== 'SET' || command[1] !== key || ++sets !== 1) return undefined;
        // The first SET of the nonce ran; before its reply is cut (and the client re-sends it), the same nonce is
        // claimed again through the same store and through a second store on another connection.
        racing = [store.claim(claim), secondStore.claim(claim)];
        return 'cut';
      };
      let outcomes: unknown[];
      try {
        const original = store.claim(claim);
        await until('the SET to be cut', async () => (sets > 0 ? true : undefined));
        outcomes = (await Promise.allSettled([original, ...racing])).map((r) =>
          r.status === 'fulfilled' ? r.value : (r.reason as NonceStoreError).code,
        );
      } finally {
        set.faults!.onReply = undefined;
      }
      expect(sets).toBeGreaterThan(1); // the first SET was cut, and re-sent
      // The claim whose SET ran first gets its own tag back from the re-sent SET: new (with durability, not vouched
      // for by a WAIT: 503). The racers find its tag: replays, whenever they ran.
      expect(outcomes).toEqual([durability ? 'ERR_NONCE_STORE_UNAVAILABLE' : true, false, false]);
      // And after it, by both stores and by a store made now.
      const third = createRedisNonceStore({ client: second as never, timeoutMs: 10_000, durability });
      expect([await store.claim(claim), await secondStore.claim(claim), await third.claim(claim)]).toEqual([false, false, false]);
      expect(store.metrics().accepted + secondStore.metrics().accepted).toBe(durability ? 2 : 3);
    });
  }
}

for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  it(`node-redis ${major}, with durability: a replay in a batch that node-redis re-sent whole on a new connection is refused as a replay (401), not 503; the store adds no listener to the client`, async () => {
    const client = await sentinelClient(redis);
    // The store needs none of the client's events (it used to count node-redis 6's client-error events): it adds no
    // listener to the client.
    const listeners = () => (client as unknown as { listenerCount(event: string): number }).listenerCount('client-error');
    const before = listeners();
    const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability: { replicas: 1, timeoutMs: 5000 } });
    createRedisNonceStore({ client: client as never });
    expect(listeners()).toBe(before);
    const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
    const url = await signed();
    expect((await verifier.verify('GET', url)).ok).toBe(true);
    let cuts = 0;
    // The batch's first reply (CLIENT INFO) is cut: node-redis re-sends the batch on a new connection, and the SET
    // finds the first claim's tag there. (Before tags, a nil in the first batch on a new connection could have been
    // the batch's own SET, re-sent: it failed closed, 503.)
    set.faults!.onReply = (command) => (command[0] === 'CLIENT' && ++cuts === 1 ? 'cut' : undefined);
    let result: Awaited<ReturnType<typeof verifier.verify>>;
    try {
      result = await verifier.verify('GET', url);
    } finally {
      set.faults!.onReply = undefined;
    }
    expect(cuts).toBeGreaterThan(1);
    expect(result).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID', status: 401 });
  });

  it(`node-redis ${major}, without durability: 500 claims in flight when the connection is cut after the 200th SET reply: each is accepted (the re-sent SETs find their own tags), none is called a replay`, async () => {
    const client = await sentinelClient(redis);
    const store = createRedisNonceStore({ client: client as never, timeoutMs: 20_000 });
    expect(await store.claim(claimOf())).toBe(true);
    let sets = 0;
    set.faults!.onReply = (command) => (command[0] === 'SET' && ++sets === 200 ? 'cut' : undefined);
    let results: PromiseSettledResult<boolean>[];
    try {
      results = await Promise.allSettled(Array.from({ length: 500 }, () => store.claim(claimOf())));
    } finally {
      set.faults!.onReply = undefined;
    }
    expect(sets).toBeGreaterThan(200); // cut, and re-sent
    // Every nonce is new. Before tags, a re-sent SET that had run answered nil and its claim was refused as a replay
    // (node-redis 6: 301 of 500 in a run, then 503 with its client-error events; node-redis 5: refused as replays).
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : ((r.reason as NonceStoreError).code as string)));
    expect(outcomes.filter((o) => o !== true)).toEqual([]);
  });
}
