import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryNonceStore, NonceStoreError } from '../src/index.js';

const T0 = Date.UTC(2015, 3, 20, 12, 34, 56);

/** The claim's answer, or 'full' when the store refused it with ERR_NONCE_STORE_FULL. */
function claimOrFull(store: MemoryNonceStore, c: Parameters<MemoryNonceStore['claim']>[0]): boolean | 'full' {
  try {
    return store.claim(c);
  } catch (err) {
    expect(err).toBeInstanceOf(NonceStoreError);
    expect((err as NonceStoreError).code).toBe('ERR_NONCE_STORE_FULL');
    return 'full';
  }
}

// Nonces of 20 characters (the length read four digits at a time) that are hex, almost hex (a character next to a
// digit or letter range, an uppercase letter, a character whose low bits are a digit's) or anything, and others.
const NEAR_HEX = [...'0123456789abcdef', ...'/:`gAFpPq', '\u0130', '\u0660', '\uff10', '\u0000'];
const nonce20 = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 20, maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...NEAR_HEX), minLength: 20, maxLength: 20 }) },
  // One character off a fixed hex nonce: two such nonces differ in one place only.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(19), fc.constantFrom(...NEAR_HEX))
      .map(([at, c]) => `0123456789abcdef0123`.slice(0, at) + c + `0123456789abcdef0123`.slice(at + 1)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 20, maxLength: 20 }) },
);
const nonce = fc.oneof({ weight: 4, arbitrary: nonce20 }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) });

describe('MemoryNonceStore against a reference model', () => {
  it('answers each claim as a Map of triple -> deadline second does, through steady expiry (tables cleaned in place) and overflow; after a clock steps back, never takes a replay of what stayed live', () => {
    const op = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          t: fc.constant('claim' as const),
          key: fc.constantFrom('k1', 'k2', 'k1\u0000'),
          // Scopes come and go as the authdate moves; some claims reuse one long gone.
          date: fc.nat(40),
          nonce,
          ttl: fc.integer({ min: -1500, max: 4000 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({ t: fc.constant('replay' as const), back: fc.nat(), ttl: fc.integer({ min: -1500, max: 4000 }) }),
      },
      { weight: 4, arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 400 }) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('back' as const), ms: fc.integer({ min: 1, max: 6000 }) }) },
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 20, max: 300 }), fc.constant(1_000_000)),
        fc.array(op, { minLength: 500, maxLength: 2500 }),
        fc.boolean(),
        (max, ops, scoped) => {
          const store = new MemoryNonceStore({ maxEntries: max });
          // The model: each triple with the deadline second of its last accepted claim (kept through that second);
          // and, for the time after a clock stepped back, the latest clock reading since it was accepted.
          const kept = new Map<string, { second: number; latest: number }>();
          const claimed: Array<{ key: string; date: string; nonce: string }> = [];
          let now = T0;
          let exact = true;
          for (const o of ops) {
            if (o.t === 'tick' || o.t === 'back') {
              now += o.t === 'tick' ? o.ms : -o.ms;
              if (o.t === 'back') exact = false;
              for (const e of kept.values()) e.latest = Math.max(e.latest, now);
              continue;
            }
            const triple =
              o.t === 'claim'
                ? { key: o.key, date: `2015-04-20T12${String(o.date).padStart(4, '0')}Z`, nonce: o.nonce }
                : claimed[claimed.length - 1 - (o.back % Math.max(claimed.length, 1))];
            if (triple === undefined) continue;
            const id = JSON.stringify([triple.key, triple.date, triple.nonce]);
            const deadline = now + o.ttl;
            let live = 0;
            for (const e of kept.values()) if (e.second * 1000 >= now) live++;
            const prior = kept.get(id);
            const got = claimOrFull(
              store,
              scoped
                ? { scope: [triple.key, triple.date], nonce: triple.nonce, deadline, now }
                : { keyId: triple.key, authdate: triple.date, nonce: triple.nonce, expiresAt: deadline, now },
            );
            if (exact) {
              // Every clock so far moved forward: the answer and the count are the model's exactly.
              const expected = prior !== undefined && prior.second * 1000 >= now ? false : live >= max ? 'full' : true;
              expect(got).toBe(expected);
            } else {
              // Live at every clock reading since it was accepted: never forgotten. Never seen: never a replay.
              if (prior !== undefined && prior.second * 1000 >= prior.latest) expect(got).toBe(false);
              if (prior === undefined) expect(got).not.toBe(false);
            }
            if (got === true) {
              kept.set(id, { second: Math.ceil(deadline / 1000), latest: now });
              claimed.push(triple);
            }
            let liveAfter = 0;
            for (const e of kept.values()) if (e.second * 1000 >= now) liveAfter++;
            if (exact) expect(store.size).toBe(liveAfter);
            else expect(store.size).toBeLessThanOrEqual(Math.max(liveAfter, 0));
            if (got === true) expect(store.size).toBeLessThanOrEqual(max);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('holds 60,000 nonces in steady state (a table of one size cleaned in place many times) without losing a live one', () => {
    const store = new MemoryNonceStore();
    const claims: Array<{ keyId: string; authdate: string; nonce: string; second: number }> = [];
    const wrong: string[] = [];
    let now = T0;
    // 1,000 claims a second, each kept 7.3 s: about 8,000 live at a time, just under half of a table of 16,384 slots, so it keeps its size
    // and is cleaned every few thousand claims.
    for (let i = 0; i < 60_000; i++) {
      now += 1;
      const c = {
        keyId: 'k',
        authdate: String(Math.floor(now / 1000)),
        nonce: Math.imul(i + 1, 0x9e3779b1)
          .toString(16)
          .padStart(20, 'c'),
        second: Math.ceil((now + 7_300) / 1000),
      };
      if (store.claim({ ...c, expiresAt: now + 7_300, now }) !== true) wrong.push(`fresh ${i}`);
      claims.push(c);
      if (i % 4999 === 0) {
        // Every nonce still live is still refused (a replay of one signed request: the same deadline).
        for (let j = claims.length - 1; j >= 0 && claims[j]!.second * 1000 >= now; j--) {
          if (store.claim({ ...claims[j]!, expiresAt: claims[j]!.second * 1000, now }) !== false) wrong.push(`replay ${j} at ${i}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    let expected = 0;
    for (const c of claims) if (c.second * 1000 >= now) expected++;
    expect(store.size).toBe(expected);
  });
});

describe('MemoryNonceStore when a clock steps back to the very end of a second', () => {
  it('counts the entries of that second in again (they are live through it)', () => {
    // Whether the claim made after the deadline cleared 'a' (took its slot) depends on the random seed: over
    // 20 stores, 'a' stays in nearly every one, and where it stays it is live again at exactly S * 1000.
    const S = Math.ceil(T0 / 1000) + 10;
    const sizes: number[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const store = new MemoryNonceStore();
      const c = { keyId: 'k', authdate: 'd' };
      expect(store.claim({ ...c, nonce: 'a', expiresAt: S * 1000 - 500, now: T0 })).toBe(true);
      expect(store.claim({ ...c, nonce: 'b', expiresAt: T0 + 60_000, now: S * 1000 + 1 })).toBe(true);
      expect(store.size).toBe(1);
      expect(store.claim({ ...c, nonce: 'c', expiresAt: T0 + 60_000, now: S * 1000 })).toBe(true);
      sizes.push(store.size);
    }
    expect(sizes.every((n) => n === 2 || n === 3)).toBe(true);
    expect(sizes.filter((n) => n === 3).length).toBeGreaterThan(10);
  });
});

describe('MemoryNonceStore cleaning a full small table in place', () => {
  it('keeps every live nonce reachable, whatever runs of slots wrap around the end of the table', () => {
    // 48 claims fill 3/4 of the first table (64 slots); half of them expire, so the next claim cleans the table in
    // place (24 live fit in 64 slots). With random seeds and mixed deadlines, runs that wrap past the last slot and
    // hold expired entries come up in nearly every store.
    const wrong: string[] = [];
    for (let trial = 0; trial < 300; trial++) {
      const store = new MemoryNonceStore();
      const c = { keyId: 'k', authdate: 'd' };
      const live: string[] = [];
      for (let i = 0; i < 48; i++) {
        const soon = ((i * 7 + trial) >> 1) % 2 === 0;
        const n = `${trial}-${i}`;
        store.claim({ ...c, nonce: n, expiresAt: soon ? T0 + 1000 : T0 + 60_000, now: T0 });
        if (!soon) live.push(n);
      }
      const later = T0 + 2500;
      if (store.claim({ ...c, nonce: 'next', expiresAt: T0 + 60_000, now: later }) !== true) wrong.push(`${trial}: next`);
      for (const n of live) if (store.claim({ ...c, nonce: n, expiresAt: T0 + 60_000, now: later }) !== false) wrong.push(`${trial}: ${n}`);
      if (store.size !== live.length + 1) wrong.push(`${trial}: size ${store.size}`);
    }
    expect(wrong).toEqual([]);
  });
});
