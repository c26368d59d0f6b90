import { createHmac } from 'node:crypto';
import { formatDateTime } from '@reqsign/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadlineOf } from '../src/internal/deadline.js';
import { MAX_DEADLINE_MS } from '../src/internal/limits.js';
import { builds, KEY } from './helpers.js';

describe('deadlineOf', () => {
  it('is authdate + authexpires exactly, NaN for what is no decimal number or lies past 9999-12-31T23:59:59Z', () => {
    const t = Date.UTC(2015, 3, 20, 12, 34, 56);
    expect(deadlineOf(t, undefined, 300)).toBe(t + 300_000);
    expect(deadlineOf(t, '00000000000000000600', 300)).toBe(t + 600_000);
    expect(deadlineOf(t, '-0', 300)).toBe(t);
    expect(deadlineOf(t, '-5', 300)).toBe(t - 5000);
    for (const bad of ['', '-', '1e3', '0x10', '1.5', '+5', ' 5', '5 ', '%35']) expect(deadlineOf(t, bad, 300)).toBeNaN();
    expect(deadlineOf(MAX_DEADLINE_MS - 1000, '1', 0)).toBe(MAX_DEADLINE_MS);
    expect(deadlineOf(MAX_DEADLINE_MS - 1000, '2', 0)).toBeNaN();
    expect(deadlineOf(MAX_DEADLINE_MS, undefined, 1)).toBeNaN();
    expect(deadlineOf(t, '9'.repeat(400), 0)).toBeNaN();
    expect(deadlineOf(t, `-${'9'.repeat(400)}`, 0)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('authexpires is judged by its value, and no result holds an invalid date', () => {
  const MAX_MS = BigInt(Date.UTC(9999, 11, 31, 23, 59, 59));
  /** A URL with a raw authexpires, signed with node:crypto's createHmac directly (not through the package). */
  const signedWith = (date: string, expires: string): string => {
    const target = `/p?authalgorithm=nog-v1&authkeyid=${KEY.id}&authdate=${date}&authexpires=${expires}`;
    return `${target}&authsignature=${createHmac('sha256', KEY.secret).update(`GET\n${target}\n`).digest('hex')}`;
  };
  const expires = fc
    .tuple(fc.boolean(), fc.nat({ max: 30 }), fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 0n, max: 10n ** 40n })))
    .map(([negative, zeros, value]) => ({ text: `${negative ? '-' : ''}${'0'.repeat(zeros)}${value}`, value: negative ? -value : value }));
  const authdate = fc.integer({ min: Date.UTC(1970, 0, 1) / 1000, max: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000 }).map((s) => s * 1000);

  for (const [name, build] of builds) {
    it(`matches exact arithmetic over BigInt for any decimal authexpires (${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(authdate, expires, fc.integer({ min: -900, max: 4000 }), async (auth, e, offset) => {
          const nowMs = auth + offset * 1000;
          const verifier = build.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => nowMs });
          const r = await verifier.verify('GET', signedWith(formatDateTime(auth), e.text));
          const deadline = BigInt(auth) + e.value * 1000n;
          const want = deadline > MAX_MS ? 'ERR_AUTH_EXPIRES_INVALID' : BigInt(nowMs) > deadline ? 'ERR_AUTH_SIG_EXPIRED' : 'valid';
          expect(r.ok ? 'valid' : r.code).toBe(want);
          if (r.ok) {
            expect(BigInt(r.expiresAt.getTime())).toBe(deadline);
            expect(formatDateTime(r.expiresAt)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{6}Z$/);
          }
        }),
        { numRuns: name === 'WebCrypto' ? 300 : 2000 },
      );
    });

    it(`one verifier over many requests: the same authdate and authexpires again give the same deadline, and no other (${name})`, async () => {
      // The verifier keeps its last authdate and deadline: drawn from a few values, so that requests repeat one or
      // both of the last request's, in any order, against the BigInt arithmetic.
      let nowMs = 0;
      const verifier = build.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => nowMs });
      const fewDates = fc.constantFrom(...[0, 1, 2].map((i) => Date.UTC(2015, 3, 20, 12, 34, 56 + i)), MAX_DEADLINE_MS - 1000);
      const fewExpires = fc.constantFrom(
        ...['300', '0300', '600', '1', '2', '-5', '', 'x'].map((text) => ({ text, value: /^-?\d+$/.test(text) ? BigInt(text) : null })),
      );
      const anyExpires = expires.map((e) => ({ text: e.text, value: e.value as bigint | null }));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fewDates, authdate),
          fc.oneof(fewExpires, anyExpires),
          fc.integer({ min: -900, max: 4000 }),
          async (auth, e, offset) => {
            nowMs = auth + offset * 1000;
            const r = await verifier.verify('GET', signedWith(formatDateTime(auth), e.text));
            const deadline = e.value === null ? null : BigInt(auth) + e.value * 1000n;
            const want =
              deadline === null || deadline > MAX_MS
                ? 'ERR_AUTH_EXPIRES_INVALID'
                : BigInt(nowMs) > deadline
                  ? 'ERR_AUTH_SIG_EXPIRED'
                  : 'valid';
            expect(r.ok ? 'valid' : r.code).toBe(want);
            if (r.ok) expect(BigInt(r.expiresAt.getTime())).toBe(deadline);
          },
        ),
        { numRuns: name === 'WebCrypto' ? 300 : 3000 },
      );
    });
  }
});
