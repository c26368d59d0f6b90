import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonceKey, nonceKeys } from '../src/internal/key.js';

const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\ud800', '\udc00', 'a', '😀') }),
);

describe('nonceKey', () => {
  it('is the prefix and JSON.stringify([keyId, authdate, nonce]), byte for byte, for any strings (property)', () => {
    fc.assert(
      fc.property(fc.string(), text, text, text, (prefix, keyId, authdate, nonce) => {
        expect(nonceKey(prefix, keyId, authdate, nonce)).toBe(prefix + JSON.stringify([keyId, authdate, nonce]));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('nonceKeys (the store remembers the start of its last key)', () => {
  it('gives JSON.stringify([keyId, authdate, nonce]) after the prefix for every claim of a sequence that repeats and changes key ids and dates (property)', () => {
    // Few distinct key ids and dates, so that runs of claims share them, as a verifier's do.
    const few = fc.oneof(text, fc.constantFrom('k', 'k2', '"', ''));
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.tuple(few, few, text), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(19), { maxLength: 40 }),
        (prefix, triples, order) => {
          const keyOf = nonceKeys(prefix);
          for (const i of [...order, ...triples.keys()]) {
            const [keyId, authdate, nonce] = triples[i % triples.length]!;
            expect(keyOf(keyId, authdate, nonce)).toBe(prefix + JSON.stringify([keyId, authdate, nonce]));
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
