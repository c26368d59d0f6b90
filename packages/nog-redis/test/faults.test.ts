import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, sign } from '@reqsign/nog';
import { createRedisNonceStore, type NonceStoreError, type RedisNonceStore } from '@reqsign/nog-redis';
import { createClient } from 'redis';
import { connect, REDIS_MAJORS } from './helpers/connect.mjs';
import { startFaultProxy, type FaultProxy } from './helpers/faultProxy.js';
import { startRedisServer, type RedisServer } from './helpers/redisServer.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { until } from './helpers/until.js';

requirePrograms('redis-server');

/**
 * Faults injected where they happen, between the store's client and a real redis-server: a RESP-aware proxy on
 * loopback (helpers/faultProxy.ts) cuts a connection after a command ran but before its reply reached the client, or
 * puts a reply of another type in the place of the real one. One primary with one replica and one proxy serve the
 * whole file; each test sets the proxy's fault and puts it back.
 */

const HOUR = 3_600_000;
const KEY = { id: 'fault-key', secret: '0123456789abcdef0123456789abcdef01234567' };
let n = 0;
const nonce = () => `fault-${process.pid}-${++n}`;
const claimOf = (value = nonce()) => ({
  keyId: 'k',
  authdate: '2015-04-20T123456Z',
  nonce: value,
  expiresAt: Date.now() + HOUR,
  now: Date.now(),
});
const rejection = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as NonceStoreError) : undefined);

type Client = { isReady: boolean; destroy(): void; once(event: 'ready', listener: () => void): unknown };
const whenReady = (client: Client) => until('the client to reconnect', async () => client.isReady || undefined);

let primary: RedisServer;
let replica: RedisServer;
let proxy: FaultProxy;
let admin: ReturnType<typeof createClient>;
const clients: Client[] = [];

beforeAll(async () => {
  primary = await startRedisServer({ args: () => ['--repl-diskless-sync-delay', '0'] });
  replica = await startRedisServer({ args: () => ['--replicaof', '127.0.0.1', String(primary.port)] });
  proxy = await startFaultProxy(primary.port);
  admin = createClient({ url: primary.url, RESP: 2 });
  admin.on('error', () => {});
  await admin.connect();
  await until(
    'the replica to sync',
    async () => /connected_slaves:1[\s\S]*state=online/.test(await admin.info('replication')) || undefined,
  );
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  admin?.destroy();
  await proxy?.close();
  await replica?.stop();
  await primary?.stop();
});

async function clientOf(redis: string, resp?: 2 | 3): Promise<Client> {
  const client = (await connect({ redis, resp, kind: 'client', url: proxy.url })) as Client;
  clients.push(client);
  return client;
}

/** Runs `body` with `fault` deciding the fate of each reply, then lets replies through again. */
async function withFault<T>(fault: FaultProxy['onReply'], body: () => Promise<T>): Promise<T> {
  proxy.onReply = fault;
  try {
    return await body();
  } finally {
    proxy.onReply = undefined;
  }
}

const exists = async (store: RedisNonceStore, value: string) => Number(await admin.exists(store.keyFor(claimOf(value)))) === 1;

for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
  describe(`node-redis ${major}`, () => {
    it('a SET that ran on the server but whose reply was cut: the verifier answers 503, the nonce is burned (401 afterwards)', async () => {
      const client = await clientOf(redis);
      const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000 });
      const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
      const { url } = await sign('GET', `/cut/${nonce()}`, KEY);
      const result = await withFault(
        (command) => (command[0] === 'SET' ? 'cut' : undefined),
        () => verifier.verify('GET', url),
      );
      expect(result).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_STORE', status: 503 });
      expect(store.metrics().reasons.error).toBe(1);
      // The SET ran: the key is there, and once the client is back the same request is a replay.
      expect(await admin.dbSize()).toBeGreaterThan(0);
      await whenReady(client);
      expect(await verifier.verify('GET', url)).toMatchObject({ ok: false, code: 'ERR_AUTH_NONCE_INVALID', status: 401 });
    });

    for (const durability of [undefined, { replicas: 1, timeoutMs: 5000 }]) {
      it(`${durability ? 'with' : 'without'} durability: 500 claims in flight when the connection is cut after the 200th SET reply each get their own answer`, async () => {
        const client = await clientOf(redis);
        const store = createRedisNonceStore({ client: client as never, timeoutMs: 20_000, durability });
        const nonces = Array.from({ length: 500 }, () => nonce());
        let sets = 0;
        const results = await withFault(
          (command) => (command[0] === 'SET' && ++sets === 200 ? 'cut' : undefined),
          () => Promise.allSettled(nonces.map((value) => store.claim(claimOf(value)))),
        );
        // Every nonce is new: no claim may be answered "seen before" (a reply matched to the wrong claim would be).
        for (const r of results) {
          if (r.status === 'fulfilled') expect(r.value).toBe(true);
          else expect((r.reason as NonceStoreError).code).toBe('ERR_NONCE_STORE_UNAVAILABLE');
        }
        const accepted = nonces.filter((_, i) => results[i]!.status === 'fulfilled');
        // Without durability, the 199 replies forwarded before the cut are the ones accepted (durably, none: the
        // batch's WAIT never came back); each accepted nonce is in Redis.
        expect(accepted).toHaveLength(durability ? 0 : 199);
        for (const value of accepted) expect(await exists(store, value)).toBe(true);
        await whenReady(client);
        // And every accepted nonce is refused from now on.
        for (const value of accepted) expect(await store.claim(claimOf(value))).toBe(false);
      });
    }

    it("a SET answered with something other than nil or a nonce store's value (an integer, an array, a boolean, QUEUED, OK from a server that ignored GET, an error): the verifier answers 503, never accepts", async () => {
      const client = await clientOf(redis, 3);
      const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000 });
      const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
      const wrong: Record<string, string> = {
        ':1\r\n': 'ERR_NONCE_STORE_REPLY',
        '*1\r\n+OK\r\n': 'ERR_NONCE_STORE_REPLY',
        '#t\r\n': 'ERR_NONCE_STORE_REPLY',
        '+QUEUED\r\n': 'ERR_NONCE_STORE_REPLY',
        '+ok\r\n': 'ERR_NONCE_STORE_REPLY',
        '+OK\r\n': 'ERR_NONCE_STORE_REPLY',
        '$2\r\nOK\r\n': 'ERR_NONCE_STORE_REPLY',
        '-ERR injected\r\n': 'ERR_NONCE_STORE_UNAVAILABLE',
      };
      const outcomes: Record<string, unknown> = {};
      for (const reply of Object.keys(wrong)) {
        const { url } = await sign('GET', `/wrong/${nonce()}`, KEY);
        const result = await withFault(
          (command) => (command[0] === 'SET' ? Buffer.from(reply, 'latin1') : undefined),
          () => verifier.verify('GET', url),
        );
        outcomes[reply] = result.ok ? 'accepted' : [result.code, result.status, (result.cause as NonceStoreError | undefined)?.code];
      }
      expect(outcomes).toEqual(
        Object.fromEntries(Object.entries(wrong).map(([reply, code]) => [reply, ['ERR_AUTH_NONCE_STORE', 503, code]])),
      );
    });

    for (const durability of [undefined, { replicas: 1, timeoutMs: 5000 }]) {
      it(`${durability ? 'with' : 'without'} durability: a Redis older than 7.0 (SET with NX and GET is a syntax error there) fails every claim closed, and the cause says Redis 7.0 is needed`, async () => {
        const client = await clientOf(redis);
        const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability });
        // What Redis 6.2 answers to SET key value NX GET ... (and Redis before 6.2, which has no GET option).
        const results = await withFault(
          (command) => (command[0] === 'SET' && command.includes('GET') ? Buffer.from('-ERR syntax error\r\n') : undefined),
          () => Promise.allSettled([store.claim(claimOf()), store.claim(claimOf())]),
        );
        for (const r of results) {
          const error = rejection(r)!;
          expect(error).toMatchObject({ name: 'NonceStoreError', code: 'ERR_NONCE_STORE_UNAVAILABLE' });
          expect((error.cause as Error).message).toMatch(/needs Redis 7\.0 or later/);
          expect(((error.cause as Error).cause as Error).message).toBe('ERR syntax error');
        }
        expect(store.metrics().reasons.error).toBe(2);
        expect(await store.claim(claimOf())).toBe(true);
      });
    }

    for (const resp of [2, 3] as const) {
      it(`RESP${resp}: a WAIT answered with something other than an integer (array, boolean, map, a string that is no number) never accepts a claim`, async () => {
        const client = await clientOf(redis, resp);
        const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability: { replicas: 1, timeoutMs: 5000 } });
        // Each would count as one replica or more if read loosely (Number([1]) is 1, Number(true) is 1).
        // (node-redis's decoder reads the digits of an integer without checking them, `:abc` as 5451: that is out of
        // the store's reach; an integer too large to be exact, or negative, is not.)
        const wrong = [
          ':99999999999999999999\r\n',
          ':-1\r\n',
          '*1\r\n:1\r\n',
          '*1\r\n$1\r\n2\r\n',
          '#t\r\n',
          '%1\r\n:1\r\n:1\r\n',
          '+1 \r\n',
          '$3\r\n0x1\r\n',
        ];
        const outcomes: Record<string, string> = {};
        for (const reply of wrong) {
          const [r] = await withFault(
            (command) => (command[0] === 'WAIT' ? Buffer.from(reply, 'latin1') : undefined),
            () => Promise.allSettled([store.claim(claimOf())]),
          );
          outcomes[reply] =
            r!.status === 'fulfilled' ? `accepted: ${r!.value}` : ((r as PromiseRejectedResult).reason as NonceStoreError).code;
        }
        expect(outcomes).toEqual(Object.fromEntries(wrong.map((reply) => [reply, 'ERR_NONCE_STORE_REPLY'])));
        expect(store.metrics().reasons.reply).toBe(wrong.length);
        // The real answer still accepts.
        expect(await store.claim(claimOf())).toBe(true);
      });
    }
  });
}

describe('too few replicas', () => {
  it('a primary that refuses writes (min-replicas-to-write, NOREPLICAS) fails claims closed, reason replicas, with durability or without', async () => {
    const client = await clientOf('redis');
    const stores = [undefined, { replicas: 1, timeoutMs: 5000 }].map((durability) =>
      createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability }),
    );
    await admin.configSet('min-replicas-to-write', '2');
    try {
      for (const store of stores) {
        const [r] = await Promise.allSettled([store.claim(claimOf())]);
        expect((r as PromiseRejectedResult).reason as NonceStoreError).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE' });
        expect(String(((r as PromiseRejectedResult).reason as Error).cause)).toMatch(/NOREPLICAS/);
        expect(store.metrics().reasons.replicas).toBe(1);
      }
    } finally {
      await admin.configSet('min-replicas-to-write', '0');
    }
  });

  it('a client given a replica (READONLY) fails claims closed, reason error, the READONLY reply as the cause, with durability or without', async () => {
    for (const [major, redis] of Object.entries(REDIS_MAJORS)) {
      const client = (await connect({ redis, kind: 'client', url: replica.url })) as Client;
      clients.push(client);
      for (const durability of [undefined, { replicas: 1, timeoutMs: 5000 }]) {
        const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability });
        const [r] = await Promise.allSettled([store.claim(claimOf())]);
        expect({ major, durability, code: ((r as PromiseRejectedResult).reason as NonceStoreError).code }).toEqual({
          major,
          durability,
          code: 'ERR_NONCE_STORE_UNAVAILABLE',
        });
        expect(String(((r as PromiseRejectedResult).reason as Error).cause)).toMatch(/READONLY/);
        expect(store.metrics().reasons.error).toBe(1);
      }
    }
  });

  it('with durability, a WAIT that counts too few fails a new claim closed, and a replay is still refused as one (refusing needs no replica)', async () => {
    const client = await clientOf('redis');
    const store = createRedisNonceStore({ client: client as never, timeoutMs: 10_000, durability: { replicas: 1, timeoutMs: 5000 } });
    const seen = nonce();
    expect(await store.claim(claimOf(seen))).toBe(true);
    const results = await withFault(
      (command) => (command[0] === 'WAIT' ? Buffer.from(':0\r\n') : undefined),
      () => Promise.allSettled([store.claim(claimOf()), store.claim(claimOf(seen))]),
    );
    expect((results[0] as PromiseRejectedResult).reason as NonceStoreError).toMatchObject({ code: 'ERR_NONCE_STORE_UNAVAILABLE' });
    expect(results[1]).toEqual({ status: 'fulfilled', value: false });
    expect(store.metrics()).toMatchObject({ accepted: 1, replays: 1, reasons: { replicas: 1 } });
  });
});

describe('a durable batch that hangs (primary frozen with SIGSTOP: connected, never answering)', () => {
  it('does not keep the claims that timed out waiting behind it: memory stays bounded however long it hangs', async () => {
    // A full garbage collection on demand (a flag of the running V8, then its gc function from a fresh context).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const client = await clientOf('redis');
    const store = createRedisNonceStore({ client: client as never, timeoutMs: 50, durability: { replicas: 1, timeoutMs: 20 } });
    const refs: Array<WeakRef<Promise<boolean>>> = [];
    primary.signal('SIGSTOP');
    let first: Promise<unknown>;
    try {
      // The first batch goes out and hangs; every later claim waits for it, times out, and is refused (503).
      first = store.claim(claimOf()).catch(() => undefined);
      for (let round = 0; round < 30; round++) {
        const settled = await Promise.allSettled(
          Array.from({ length: 100 }, () => {
            const claim = store.claim(claimOf());
            refs.push(new WeakRef(claim));
            return claim;
          }),
        );
        for (const r of settled)
          expect((r as PromiseRejectedResult).reason as NonceStoreError).toMatchObject({ code: 'ERR_NONCE_STORE_TIMEOUT' });
      }
      expect(store.metrics().reasons.timeout).toBe(3001);
      // Claims that are over are no longer held by the store: the garbage collector takes all but a few times the
      // claims that waited at once (100 a round), however many rounds the batch hangs (it kept all 3,000).
      await new Promise((r) => setImmediate(r));
      gc();
      await new Promise((r) => setImmediate(r));
      const kept = refs.filter((ref) => ref.deref() !== undefined).length;
      expect(kept).toBeLessThanOrEqual(400);
    } finally {
      primary.signal('SIGCONT');
    }
    await first;
    // The batch is answered after the thaw, and claims work again.
    await until('claims to work again', async () => (await store.claim(claimOf())) || undefined);
  });
});
