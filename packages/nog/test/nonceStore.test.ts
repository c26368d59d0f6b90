import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryNonceStore, NogError } from '../src/index.js';
import { clock } from './helpers.js';

const T0 = Date.UTC(2015, 3, 20, 12, 34, 56);
const claim = (keyId: string, nonce: string, expiresAt = T0 + 60_000, authdate = '2015-04-20T123456Z') => ({ keyId, authdate, nonce, expiresAt });

describe('MemoryNonceStore', () => {
  it('claims a triple once', () => {
    const s = new MemoryNonceStore({ now: () => T0 });
    expect(s.claim(claim('k', 'n'))).toBe(true);
    expect(s.claim(claim('k', 'n'))).toBe(false);
    expect(s.claim(claim('k', 'n2'))).toBe(true);
    expect(s.claim(claim('k2', 'n'))).toBe(true);
    expect(s.claim(claim('k', 'n', T0 + 60_000, '2015-04-20T123457Z'))).toBe(true);
    expect(s.size).toBe(4);
  });

  it('keeps triples apart that a naive join would confuse', () => {
    const s = new MemoryNonceStore({ now: () => T0 });
    expect(s.claim({ keyId: 'a:b', authdate: 'c', nonce: 'd', expiresAt: T0 + 1000 })).toBe(true);
    expect(s.claim({ keyId: 'a', authdate: 'b:c', nonce: 'd', expiresAt: T0 + 1000 })).toBe(true);
    expect(s.claim({ keyId: 'a', authdate: 'b', nonce: 'c:d', expiresAt: T0 + 1000 })).toBe(true);
    expect(s.claim({ keyId: '1:a', authdate: '', nonce: '', expiresAt: T0 + 1000 })).toBe(true);
    expect(s.claim({ keyId: '', authdate: '1:a', nonce: '', expiresAt: T0 + 1000 })).toBe(true);
    expect(s.claim({ keyId: '', authdate: '', nonce: '1:a', expiresAt: T0 + 1000 })).toBe(true);
    expect(s.size).toBe(6);
  });

  it('keeps an entry until its expiry has passed, then drops it', () => {
    const c = clock(T0);
    const s = new MemoryNonceStore({ now: c.now });
    expect(s.claim(claim('k', 'n', T0 + 10_000))).toBe(true);
    c.set(T0 + 10_000);
    expect(s.claim(claim('k', 'n', T0 + 10_000))).toBe(false);
    c.set(T0 + 10_001);
    expect(s.claim(claim('k', 'other', T0 + 20_000))).toBe(true);
    expect(s.size).toBe(1);
  });

  it('when full refuses new nonces with ERR_AUTH_NONCE_STORE, still answers replays, and recovers after expiry', () => {
    const c = clock(T0);
    const s = new MemoryNonceStore({ maxEntries: 2, now: c.now });
    expect(s.claim(claim('k', 'a', T0 + 5_000))).toBe(true);
    expect(s.claim(claim('k', 'b', T0 + 50_000))).toBe(true);
    expect(() => s.claim(claim('k', 'c'))).toThrow(expect.objectContaining({ code: 'ERR_AUTH_NONCE_STORE' }));
    expect(s.claim(claim('k', 'a'))).toBe(false);
    c.set(T0 + 6_000);
    expect(s.claim(claim('k', 'c'))).toBe(true);
    expect(s.size).toBe(2);
  });

  it('validates its options and claims', () => {
    expect(() => new MemoryNonceStore({ maxEntries: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OPTION_RANGE' }));
    expect(() => new MemoryNonceStore({ maxEntries: 1.5 })).toThrow(NogError);
    expect(() => new MemoryNonceStore({ maxEntries: '5' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => new MemoryNonceStore({ now: 5 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    const s = new MemoryNonceStore();
    expect(s.maxEntries).toBe(1_000_000);
    expect(() => s.claim({ keyId: 1, authdate: '', nonce: '', expiresAt: 0 } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => s.claim({ keyId: '', authdate: '', nonce: '', expiresAt: Number.NaN })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('never accepts a replay, never holds more than maxEntries, and forgets only what has expired (model check)', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('claim' as const), key: fc.constantFrom('k1', 'k2', 'k1:x'), nonce: fc.constantFrom('a', 'b', 'c', 'd', 'x:a'), ttl: fc.integer({ min: -2000, max: 20_000 }) }),
      fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 7000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 80 }), (max, ops) => {
        const c = clock(T0);
        const s = new MemoryNonceStore({ maxEntries: max, now: c.now });
        // The model: every triple ever claimed, with its expiry.
        const seen = new Map<string, number>();
        let now = T0;
        for (const o of ops) {
          if (o.t === 'tick') {
            now += o.ms;
            c.set(now);
            continue;
          }
          const id = JSON.stringify([o.key, o.nonce]);
          const prior = seen.get(id);
          let got: boolean | 'full';
          try {
            got = s.claim(claim(o.key, o.nonce, now + o.ttl));
          } catch (err) {
            expect((err as NogError).code).toBe('ERR_AUTH_NONCE_STORE');
            got = 'full';
          }
          // A triple whose expiry has not passed is never claimed twice.
          if (prior !== undefined && now <= prior) expect(got).toBe(false);
          // A triple never seen is never reported as seen.
          if (prior === undefined) expect(got).not.toBe(false);
          if (got === true) seen.set(id, now + o.ttl);
          expect(s.size).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
