import { CanonicalError, ReqsignError } from '@reqsign/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_CACHE_SIZE } from '../src/api.js';
import { createOneShotHmac, createStreamHmac, nodeHmacProvider, oneShotHash } from '../src/internal/crypto-node.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { pythonHmac } from './helpers.js';

requirePrograms('python3');

describe('the node:crypto provider', () => {
  it('one-shot hash over key pads and createHmac agree with Python hmac (long keys, long and non-ASCII data)', () => {
    const unit = fc.constantFrom('a', 'Z', '0', '\n', '&', 'ä', '€', '𝄞', '\u0000', '\uffff');
    const samples = fc.sample(
      fc.tuple(
        fc.string({ unit, minLength: 1, maxLength: 150 }),
        fc.oneof(fc.string({ unit, maxLength: 100 }), fc.string({ unit, minLength: 600, maxLength: 5000 })),
      ),
      { numRuns: 300, seed: 3 },
    );
    const expected = pythonHmac(samples);
    expect(oneShotHash).toBeTypeOf('function');
    const oneShot = createOneShotHmac(oneShotHash!);
    const stream = createStreamHmac();
    for (const [i, [secret, data]] of samples.entries()) {
      expect(oneShot(secret, data)).toBe(expected[i]);
      expect(stream(secret, data)).toBe(expected[i]);
    }
  });

  it('stays right for more secrets than its key cache holds, in any order', () => {
    const provider = nodeHmacProvider();
    const secrets = Array.from({ length: KEY_CACHE_SIZE + 40 }, (_, i) => `secret-${i}-${'x'.repeat(i % 90)}`);
    const order = [...secrets, ...secrets.slice().reverse(), ...secrets.filter((_, i) => i % 3 === 0)];
    const expected = pythonHmac(order.map((s) => [s, `data for ${s}`] as const));
    for (const [i, s] of order.entries()) expect(provider.hmacHex(s, `data for ${s}`)).toBe(expected[i]);
  });

  it('fills bytes from the CSPRNG: no two 32-byte draws alike, every byte value seen', () => {
    const provider = nodeHmacProvider();
    const seen = new Set<string>();
    const values = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const b = new Uint8Array(32);
      provider.randomFill(b);
      seen.add(Buffer.from(b).toString('hex'));
      for (const v of b) values.add(v);
    }
    expect(seen.size).toBe(200);
    expect(values.size).toBe(256);
  });

  it("refuses what is no string or no Uint8Array with the caller's error class, ERR_INVALID_ARGUMENT", () => {
    class SchemeError extends ReqsignError<'ERR_INVALID_ARGUMENT' | 'ERR_CRYPTO_UNAVAILABLE'> {}
    const provider = nodeHmacProvider(SchemeError);
    for (const bad of [undefined, null, 1, {}, ['k'], Symbol('s')]) {
      expect(() => provider.hmacHex(bad as never, 'data')).toThrow(SchemeError);
      expect(() => provider.hmacHex('k', bad as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      expect(() => provider.randomFill(bad as never)).toThrow(SchemeError);
    }
    expect(() => nodeHmacProvider('no class' as never)).toThrow(CanonicalError);
  });
});
