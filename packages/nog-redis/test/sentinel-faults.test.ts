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
  set = await startRedisSentinel({ replicas: 1, faults: true });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await set?.stop();
});

const claimOf = () => ({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce: nonce(), expiresAt: Date.now() + 3_600_000, now: Date.now() });
const signed = async () => (await sign('GET', `/sf/${nonce()}`, KEY)).url;

for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  for (const durability of [undefined, { replicas: 1, timeoutMs: 5000 }]) {
    it(`node-redis ${major}, ${durability ? 'with' : 'without'} durability: a SET that ran but whose reply was cut (node-redis re-sends it) is never accepted, and answers 503, not "seen before"${major === '5' ? ' (node-redis 5: with durability, after a first batch)' : ''}`, async () => {
      const client = (await connect({ redis, kind: 'sentinel', name: set.name, sentinels: [...set.sentinels] })) as { destroy(): void };
      clients.push(client);
      const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability });
      const verifierOf = (nonceStore: typeof store) => createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore });
      const warm = verifierOf(store);
      expect((await warm.verify('GET', await signed())).ok).toBe(true);
      const proxy = set.faults!;
      // Cut at the first reply of each kind: the SET's, and (all of the batch re-sent) the first CLIENT INFO's, on a
      // store that has sent a batch before and on a fresh one (its first batch: no connection to compare with).
      const cases = durability
        ? ([
            ['SET', false],
            ['CLIENT', false],
            ['CLIENT', true],
          ] as const)
        : ([['SET', false]] as const);
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
        // The batch's two CLIENT INFO answers name two connections (cut at the SET), or one that is not the
        // connection of the batch before (the whole batch re-sent), or the connection to the primary broke while the
        // claim was out (node-redis's client-error event): the nil of the re-sent SET proves nothing.
        if (major === '5' && (!durability || fresh)) {
          // node-redis 5's Sentinel client does not tell its own client-error events: the store cannot see the
          // break, and the nil counts as seen before (README, Topologies).
          expect(code).toBe('ERR_AUTH_NONCE_INVALID');
        } else {
          expect(code).toBe('ERR_AUTH_NONCE_STORE');
          expect(String(((result as { cause?: NonceStoreError }).cause as NonceStoreError).cause)).toMatch(
            durability && !fresh ? /another connection/ : /broke while the (claim|batch) was in flight/,
          );
        }
        // The nonce is burned: the same request is a replay from now on.
        expect(await verifier.verify('GET', url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
      }
    });
  }
}

for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  it(`node-redis ${major}, without durability: 500 claims in flight when the connection is cut after the 200th SET reply: each is accepted or fails closed${major === '5' ? ' (node-redis 5: or is refused as a replay)' : ', none is called a replay'}`, async () => {
    const client = (await connect({ redis, kind: 'sentinel', name: set.name, sentinels: [...set.sentinels] })) as { destroy(): void };
    clients.push(client);
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
    // Every nonce is new: each claim is accepted (its SET answered OK, first or re-sent) or fails closed; before, a
    // re-sent SET that had run answered nil and its claim was refused as a replay (113 of 500 in a run).
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : ((r.reason as NonceStoreError).code as string)));
    // (node-redis 5 cannot tell the store of the break: some may be refused as replays, none accepted.)
    if (major !== '5') expect(outcomes.filter((o) => o === false)).toHaveLength(0);
    expect(outcomes.filter((o) => o === true).length).toBeGreaterThanOrEqual(199);
    for (const o of outcomes) expect([true, false, 'ERR_NONCE_STORE_UNAVAILABLE']).toContain(o);
  });
}
