import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonceKey } from '../src/internal/key.js';

describe('nonceKey', () => {
  it('is the prefix and JSON.stringify([keyId, authdate, nonce]), byte for byte, for any strings (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\ud800', '\udc00', 'a', '😀') }),
    );
    fc.assert(
      fc.property(fc.string(), text, text, text, (prefix, keyId, authdate, nonce) => {
        expect(nonceKey(prefix, keyId, authdate, nonce)).toBe(prefix + JSON.stringify([keyId, authdate, nonce]));
      }),
      { numRuns: 20_000 },
    );
  });
});
