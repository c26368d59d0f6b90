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

const signed = async () => (await sign('GET', `/sf/${nonce()}`, KEY)).url;

for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  for (const durability of [undefined, { replicas: 1, timeoutMs: 5000 }]) {
    it(`node-redis ${major}, ${durability ? 'with' : 'without'} durability: a SET that ran but whose reply was cut (node-redis re-sends it) is never accepted${durability ? ', and answers 503, not "seen before"' : ''}`, async () => {
      const client = (await connect({ redis, kind: 'sentinel', name: set.name, sentinels: [...set.sentinels] })) as { destroy(): void };
      clients.push(client);
      const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability });
      const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
      expect((await verifier.verify('GET', await signed())).ok).toBe(true);
      const proxy = set.faults!;
      // Cut at the first reply of each kind: the SET's, and (all of the batch re-sent) the first CLIENT INFO's.
      for (const cutAt of durability ? ['SET', 'CLIENT'] : ['SET']) {
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
        if (durability) {
          // The batch's two CLIENT INFO answers name two connections (cut at the SET), or one that is not the
          // connection of the batch before (the whole batch re-sent): the nil of the re-sent SET proves nothing.
          expect(code).toBe('ERR_AUTH_NONCE_STORE');
          expect(String(((result as { cause?: NonceStoreError }).cause as NonceStoreError).cause)).toMatch(/another connection/);
        } else {
          // A lone SET re-sent: its nil is taken as "seen before" (README, Topologies).
          expect(code).toBe('ERR_AUTH_NONCE_INVALID');
        }
        // The nonce is burned: the same request is a replay from now on.
        expect(await verifier.verify('GET', url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID' });
      }
    });
  }
}
