/**
 * Claims straight through the store inside workerd, against a model of the NonceStore contract written from its
 * words (a map of the JSON triple to its deadline: a claim is true when the triple is absent or its deadline is
 * before the claim's `now`), over every string of UTF-16; and the alarm that removes expired entries.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import type { Workerd } from '../../../scripts/lib/workerd.js';
import { placeOf } from '../src/internal/wire.js';
import { startTestWorker } from './helpers/workerd.js';

requirePrograms('runtimes');

interface Claim {
  keyId: string;
  authdate: string;
  nonce: string;
  expiresAt: number;
  now: number;
}

const dir = mkdtempSync(join(tmpdir(), 'reqsign-do-claims-'));
let worker: Workerd;
beforeAll(async () => {
  worker = await startTestWorker(dir);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const claims = async (body: Record<string, unknown>): Promise<unknown[]> =>
  (await (await fetch(`${worker.url}/claims`, { method: 'POST', body: JSON.stringify(body) })).json()) as unknown[];
const count = async (prefix: string, shards: number): Promise<{ entries: number; total: number }> =>
  (await (await fetch(`${worker.url}/count?prefix=${encodeURIComponent(prefix)}&shards=${shards}`)).json()) as {
    entries: number;
    total: number;
  };

function model(sequence: readonly Claim[]): boolean[] {
  const seen = new Map<string, number>();
  return sequence.map((c) => {
    const key = JSON.stringify([c.keyId, c.authdate, c.nonce]);
    const deadline = seen.get(key);
    if (deadline !== undefined && deadline >= c.now) return false;
    seen.set(key, c.expiresAt);
    return true;
  });
}

let run = 0;
describe('claims', () => {
  it('agree with the model of the contract, over every UTF-16 string and clock', async () => {
    // A few triples, drawn over all of UTF-16 and from values that look alike (the same parts in other fields),
    // claimed again and again with clocks that land before, on and after each deadline.
    const part = fc.oneof(
      fc.constantFrom('', 'a', 'a:b', 'b', '["a"]', '\ud800', '\udc00', 'é'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    const triple = fc.record({ keyId: part, authdate: part, nonce: part });
    const time = fc.integer({ min: 0, max: 5 }).map((s) => 1_767_225_600_000 + s * 1000);
    const draw = fc.record({ which: fc.nat(), expiresAt: time, now: time });
    const sequences = fc
      .tuple(fc.array(triple, { minLength: 1, maxLength: 4 }), fc.array(draw, { minLength: 1, maxLength: 25 }))
      .map(([pool, draws]) => draws.map(({ which, expiresAt, now }) => ({ ...pool[which % pool.length]!, expiresAt, now })));
    await fc.assert(
      fc.asyncProperty(sequences, fc.integer({ min: 1, max: 4 }), async (sequence, shards) => {
        const got = await claims({ prefix: `model-${run++}-`, shards, claims: sequence });
        expect(got).toEqual(model(sequence));
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('triples that a naive encoding would confuse are distinct nonces', async () => {
    const at = { expiresAt: Date.now() + 60_000, now: Date.now() };
    const triples = [
      ['a:b', 'c', 'n'],
      ['a', 'b:c', 'n'],
      ['a', 'b', 'c:n'],
      ['a,b', 'c', 'n'],
      ['\ud800', 'd', 'n'],
      ['\udc00', 'd', 'n'],
      ['\ufffd', 'd', 'n'],
      ['"a"', 'd', 'n'],
    ].map(([keyId, authdate, nonce]) => ({ keyId: keyId!, authdate: authdate!, nonce: nonce!, ...at }));
    expect(await claims({ prefix: 'distinct-', shards: 1, claims: triples })).toEqual(triples.map(() => true));
    expect(await claims({ prefix: 'distinct-', shards: 1, claims: triples })).toEqual(triples.map(() => false));
  });

  it('verifiers that disagree on shards claim one nonce in two objects (a limit the README states)', async () => {
    // A triple whose object differs between 1 and 2 shards (shard 1 of 2, where 1 shard puts everything in 0).
    let nonce = '';
    for (let i = 0; nonce === ''; i++) if ((await placeOf(['k', 'd', `x${i}`], 2)).shard === 1) nonce = `x${i}`;
    const c = { keyId: 'k', authdate: 'd', nonce, expiresAt: Date.now() + 60_000, now: Date.now() };
    expect(await claims({ prefix: 'disagree-', shards: 1, claims: [c] })).toEqual([true]);
    expect(await claims({ prefix: 'disagree-', shards: 2, claims: [c] })).toEqual([true]);
    expect(await claims({ prefix: 'disagree-', shards: 2, claims: [c] })).toEqual([false]);
  });

  it('stores with different prefixes share nothing: one nonce is new to each, then a replay to each', async () => {
    const c = { keyId: 'k', authdate: 'd', nonce: 'prefixed', expiresAt: Date.now() + 60_000, now: Date.now() };
    expect(await claims({ prefix: 'svc-a-', shards: 4, claims: [c] })).toEqual([true]);
    expect(await claims({ prefix: 'svc-b-', shards: 4, claims: [c] })).toEqual([true]);
    expect(await claims({ prefix: 'svc-a-', shards: 4, claims: [c] })).toEqual([false]);
    expect(await claims({ prefix: 'svc-b-', shards: 4, claims: [c] })).toEqual([false]);
  });

  it('concurrent claims of one triple in one call: exactly one true', async () => {
    const c = { keyId: 'k', authdate: '2026-01-01T000000Z', nonce: 'same', expiresAt: Date.now() + 60_000, now: Date.now() };
    const got = await claims({ prefix: 'concurrent-', shards: 1, concurrent: true, claims: Array.from({ length: 500 }, () => c) });
    expect(got.filter((x) => x === true)).toHaveLength(1);
    expect(got.filter((x) => x === false)).toHaveLength(499);
  }, 120_000);
});

describe('what an object stores', () => {
  it('is the SHA-256 of the triple with its deadline and time to go (its lifetime from the claim on the object’s clock, for a claim dated 1973 too), and its index entry: no key id or nonce', async () => {
    const keyId = 'KEYID-never-stored';
    const nonce = 'NONCE-never-stored';
    // A verifier whose clock says 1973: the entry is kept for its lifetime on the object's clock, whatever the offset.
    const dated = Date.UTC(1973, 0, 1);
    const c = { keyId, authdate: '1973-01-01T000000Z', nonce, expiresAt: dated + 60_000, now: dated };
    const before = Date.now();
    expect(await claims({ prefix: 'stored-', shards: 1, claims: [c] })).toEqual([true]);
    const after = Date.now();
    const dump = (await (await fetch(`${worker.url}/dump?prefix=stored-&shard=0`)).json()) as [string, unknown][];
    // The oracle: Node's SHA-256 of the JSON triple, hex.
    const hash = createHash('sha256')
      .update(JSON.stringify([keyId, c.authdate, nonce]), 'utf8')
      .digest('hex');
    const entry = dump.find(([key]) => key === `n:${hash}`);
    expect(entry).toBeDefined();
    const [deadline, removeAt] = entry![1] as [number, number];
    expect(deadline).toBe(c.expiresAt);
    // Its time to go, by the object's clock: the lifetime (deadline - now, 60 s) from the claim, no grace in the test
    // object; not the deadline itself, which is in 1973.
    expect(removeAt - 60_000).toBeGreaterThanOrEqual(before - 1000);
    expect(removeAt - 60_000).toBeLessThanOrEqual(after + 1000);
    expect(dump.map(([key]) => key).sort()).toEqual([`e:${String(removeAt).padStart(16, '0')}:${hash}`, `n:${hash}`]);
    expect(entry![1]).toEqual([deadline, removeAt]);
    const text = JSON.stringify(dump);
    expect(text).not.toContain(keyId);
    expect(text).not.toContain(nonce);
  });
});

describe('the alarm', () => {
  const waitFor = async (prefix: string, shards: number, entries: number): Promise<{ entries: number; total: number }> => {
    const until = Date.now() + 30_000;
    let c = await count(prefix, shards);
    while (c.entries !== entries && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      c = await count(prefix, shards);
    }
    return c;
  };

  it('removes expired entries (and their index) and keeps live ones', async () => {
    // Deadlines already past by the object's clock (the claims' own clock says they are live): with no grace
    // (the test object's graceMs is 0) the alarm is due at once, whatever the machine's speed.
    const now = Date.now() - 10_000;
    const short = Array.from({ length: 20 }, (_, i) => ({ keyId: 'k', authdate: 'd', nonce: `s${i}`, expiresAt: now + 500, now }));
    const long = { keyId: 'k', authdate: 'd', nonce: 'long', expiresAt: Date.now() + 3_600_000, now };
    expect(await claims({ prefix: 'alarm-', shards: 2, claims: [...short, long] })).toEqual([...short.map(() => true), true]);
    expect(await waitFor('alarm-', 2, 1)).toEqual({ entries: 1, total: 2 });
    // A removed nonce is claimable again, the live one is not.
    const later = now + 1000;
    expect(
      await claims({
        prefix: 'alarm-',
        shards: 2,
        claims: [
          { ...short[0]!, now: later, expiresAt: later + 500 },
          { ...long, now: later },
        ],
      }),
    ).toEqual([true, false]);
  }, 60_000);

  it('removes more than the 500 entries of one run: the next run follows at once', async () => {
    const now = Date.now() - 10_000;
    const many = Array.from({ length: 1_200 }, (_, i) => ({ keyId: 'k', authdate: 'd', nonce: `m${i}`, expiresAt: now + 500, now }));
    const got = await claims({ prefix: 'batches-', shards: 1, claims: many });
    expect(got.every((x) => x === true)).toBe(true);
    expect(await waitFor('batches-', 1, 0)).toEqual({ entries: 0, total: 0 });
  }, 120_000);

  it('fires after a restart of workerd', async () => {
    const own = mkdtempSync(join(tmpdir(), 'reqsign-do-alarm-'));
    try {
      let w = await startTestWorker(own);
      const now = Date.now();
      const body = JSON.stringify({
        prefix: 'restart-',
        shards: 1,
        claims: [{ keyId: 'k', authdate: 'd', nonce: 'x', expiresAt: now + 1_500, now }],
      });
      expect(await (await fetch(`${w.url}/claims`, { method: 'POST', body })).json()).toEqual([true]);
      await w.stop('SIGKILL');
      w = await startTestWorker(own);
      try {
        const until = Date.now() + 30_000;
        let c = { entries: -1, total: -1 };
        while (Date.now() < until) {
          c = (await (await fetch(`${w.url}/count?prefix=restart-&shards=1`)).json()) as typeof c;
          if (c.entries === 0) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(c).toEqual({ entries: 0, total: 0 });
      } finally {
        await w.stop();
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 90_000);
});
