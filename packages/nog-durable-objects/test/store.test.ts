/**
 * The Durable Objects nonce store inside workerd, with the objects' storage on local disk: requests signed from the
 * spec (Node's raw HMAC) go to @reqsign/http's withNogAuth over the store, on loopback.
 */
import { mkdtempSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workerd } from '../../../scripts/lib/workerd.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { NONCES_KEY, signed, startTestWorker } from './helpers/workerd.js';

requirePrograms('runtimes');

const dirs: string[] = [];
const storage = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'reqsign-do-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const get = async (url: string): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> => {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as Record<string, unknown>, retryAfter: r.headers.get('retry-after') };
};

describe('one workerd', () => {
  let worker: Workerd;
  beforeAll(async () => {
    worker = await startTestWorker(storage());
  }, 120_000);
  afterAll(async () => worker?.stop());

  it.each([1, 32])(
    '1,000 concurrent requests with one nonce: exactly one is accepted (%i shards)',
    async (shards) => {
      const url = `${worker.url}${signed('GET', `/verify/nonces/${shards}/one`, `only-once-${shards}`)}`;
      const answers = await Promise.all(Array.from({ length: 1000 }, () => get(url)));
      const accepted = answers.filter((a) => a.status === 200);
      const replays = answers.filter((a) => a.status === 401 && a.body['errorCode'] === 'ERR_AUTH_NONCE_INVALID');
      expect(accepted).toHaveLength(1);
      expect(replays).toHaveLength(999);
    },
    120_000,
  );

  it('distinct nonces are each accepted once, over every shard', async () => {
    const urls = Array.from({ length: 200 }, (_, i) => `${worker.url}${signed('GET', '/verify/nonces/32/many', `n${i}`)}`);
    const first = await Promise.all(urls.map(get));
    const again = await Promise.all(urls.map(get));
    expect(first.map((a) => a.status)).toEqual(urls.map(() => 200));
    expect(again.map((a) => a.body['errorCode'])).toEqual(urls.map(() => 'ERR_AUTH_NONCE_INVALID'));
  }, 120_000);

  it('an object that cannot start: 503 with Retry-After, never a pass', async () => {
    const a = await get(`${worker.url}${signed('GET', '/verify/broken/4/x', 'b1')}`);
    expect(a).toEqual({
      status: 503,
      retryAfter: '1',
      body: { statusCode: 503, errorCode: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.' },
    });
  });

  it('an object that does not answer: 503 after the claim timeout', async () => {
    const started = Date.now();
    const a = await get(`${worker.url}${signed('GET', '/verify/silent/4/x', 's1')}`);
    expect(a.status).toBe(503);
    expect(a.retryAfter).toBe('1');
    expect(a.body['errorCode']).toBe('ERR_AUTH_NONCE_STORE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  }, 60_000);

  it('no MemoryNonceStore warning: the verifiers use the Durable Objects store', () => {
    expect(worker.stderr()).not.toContain('MemoryNonceStore');
  });

  it("the store throws typed NonceStoreErrors and keeps a cause an operator reads: the unreachable object's error, the timeout in ms", async () => {
    const claim = { keyId: 'k', authdate: '2026-01-01T000000Z', nonce: 'n', expiresAt: Date.now() + 60_000, now: Date.now() };
    const post = async (body: unknown): Promise<unknown> =>
      (await fetch(`${worker.url}/claims`, { method: 'POST', body: JSON.stringify(body) })).json();
    expect(await post({ namespace: 'broken', claims: [claim] })).toEqual([
      {
        error: 'ERR_NONCE_STORE_UNAVAILABLE',
        name: 'NonceStoreError',
        message: 'The nonce object cannot be reached',
        cause: expect.any(String),
      },
    ]);
    expect(await post({ namespace: 'silent', timeoutMs: 200, claims: [claim] })).toEqual([
      {
        error: 'ERR_NONCE_STORE_TIMEOUT',
        name: 'NonceStoreError',
        message: 'The nonce object did not answer in time',
        cause: 'no answer from the nonce object within 200 ms (timeoutMs)',
      },
    ]);
  });

  it("an object that answers anything but claimed or seen: ERR_NONCE_STORE_REPLY with the answer's length or the status as cause, and the verifier answers 503 with Retry-After", async () => {
    const post = async (body: unknown): Promise<unknown> =>
      (await fetch(`${worker.url}/claims`, { method: 'POST', body: JSON.stringify(body) })).json();
    // The test object answers 200 "maybe" to an even `now`, HTTP 500 "oops" to an odd one.
    const now = 2 * Math.floor(Date.now() / 2);
    const claim = { keyId: 'k', authdate: '2026-01-01T000000Z', nonce: 'w', expiresAt: now + 60_000, now };
    expect(await post({ namespace: 'wrong', claims: [claim, { ...claim, now: now + 1 }] })).toEqual([
      {
        error: 'ERR_NONCE_STORE_REPLY',
        name: 'NonceStoreError',
        message: 'The nonce object gave an answer that is not a claim result',
        cause: 'the answer was 5 characters, not claimed or seen',
      },
      {
        error: 'ERR_NONCE_STORE_REPLY',
        name: 'NonceStoreError',
        message: 'The nonce object answered HTTP 500',
        cause: 'HTTP 500 from the nonce object: oops',
      },
    ]);
    const a = await get(`${worker.url}${signed('GET', '/verify/wrong/4/x', 'w1')}`);
    expect([a.status, a.retryAfter, a.body['errorCode']]).toEqual([503, '1', 'ERR_AUTH_NONCE_STORE']);
  });
});

describe('restarts of workerd', () => {
  it('forget nothing live: every accepted nonce is refused after each restart, SIGTERM or SIGKILL', async () => {
    const dir = storage();
    const accepted: string[] = [];
    for (let round = 0; round < 4; round++) {
      const worker = await startTestWorker(dir);
      try {
        for (const url of accepted) {
          const again = await get(`${worker.url}${url}`);
          expect([round, again.status, again.body['errorCode']]).toEqual([round, 401, 'ERR_AUTH_NONCE_INVALID']);
        }
        for (const shards of [1, 32]) {
          const url = signed('GET', `/verify/nonces/${shards}/r`, `round-${round}-${shards}`);
          expect((await get(`${worker.url}${url}`)).status).toBe(200);
          accepted.push(url);
        }
      } finally {
        // Half the restarts are kill -9 right after the last answer: an answer only leaves once the write is durable.
        await worker.stop(round % 2 === 0 ? 'SIGKILL' : 'SIGTERM');
      }
    }
    expect(readdirSync(join(dir, NONCES_KEY)).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f)).length).toBeGreaterThan(1);
  }, 300_000);

  it('storage that fails under an object: its claims are 503, the other objects still answer', async () => {
    const dir = storage();
    let worker = await startTestWorker(dir);
    await get(`${worker.url}${signed('GET', '/verify/nonces/1/s', 'before')}`);
    await worker.stop();
    // The one object's database becomes a directory: the object cannot open its storage.
    const files = readdirSync(join(dir, NONCES_KEY)).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
    expect(files).toHaveLength(1);
    for (const f of readdirSync(join(dir, NONCES_KEY)).filter((x) => x.startsWith(files[0]!))) {
      rmSync(join(dir, NONCES_KEY, f), { recursive: true, force: true });
    }
    mkdirSync(join(dir, NONCES_KEY, files[0]!));
    worker = await startTestWorker(dir);
    try {
      const a = await get(`${worker.url}${signed('GET', '/verify/nonces/1/s', 'after')}`);
      expect([a.status, a.retryAfter, a.body['errorCode']]).toEqual([503, '1', 'ERR_AUTH_NONCE_STORE']);
      // Another object (other names: another prefix) still answers.
      const claim = { keyId: 'k', authdate: '2026-01-01T000000Z', nonce: 'n', expiresAt: Date.now() + 60_000, now: Date.now() };
      const b = await fetch(`${worker.url}/claims`, { method: 'POST', body: JSON.stringify({ prefix: 'other-', claims: [claim] }) });
      expect(await b.json()).toEqual([true]);
    } finally {
      await worker.stop();
    }
  }, 120_000);
});
