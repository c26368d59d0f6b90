import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonceKey, nonceKeys } from '../src/internal/key.js';
import { keySlot } from '../src/internal/slot.js';

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

describe('nonceKeys (the store remembers the start of its last key, and its CRC16)', () => {
  it('gives JSON.stringify([keyId, authdate, nonce]) after the prefix, and the slot keySlot gives, for every claim of a sequence that repeats and changes key ids and dates (property)', () => {
    // Few distinct key ids and dates, so that runs of claims share them, as a verifier's do; braces, so that some
    // keys have hash tags, in the prefix, the key id, the date or the nonce.
    const few = fc.oneof(text, fc.constantFrom('k', 'k2', '"', '', '{', '}', '{t}'));
    const nonce = fc.oneof(text, fc.constantFrom('n{x}', '{', '}{', 'abc'));
    const prefix = fc.oneof(fc.string(), fc.constantFrom('reqsign:nog:nonce:', '{p}:', '{', '}'));
    fc.assert(
      fc.property(
        prefix,
        fc.array(fc.tuple(few, few, nonce), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(19), { maxLength: 40 }),
        (prefix, triples, order) => {
          const keys = nonceKeys(prefix);
          let before: string | undefined;
          for (const i of [...order, ...triples.keys()]) {
            const [keyId, authdate, n] = triples[i % triples.length]!;
            const key = keys.key(keyId, authdate, n);
            expect(key).toBe(prefix + JSON.stringify([keyId, authdate, n]));
            expect(keys.slotOf(key)).toBe(keySlot(key));
            // A key other than the last one built (another store's, a scoped claim's) gets its own slot too.
            if (before !== undefined) expect(keys.slotOf(before)).toBe(keySlot(before));
            before = key;
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
