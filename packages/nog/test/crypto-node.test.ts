import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_CACHE_SIZE } from '../src/internal/provider.js';
import { nodeCrypto, nodeHmacPaths } from '../src/internal/crypto-node.js';
import { pythonHmac } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

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
    expect(nodeHmacPaths.oneShot).toBeTypeOf('function');
    for (const [i, [secret, data]] of samples.entries()) {
      expect(nodeHmacPaths.oneShot!(secret, data)).toBe(expected[i]);
      expect(nodeHmacPaths.stream(secret, data)).toBe(expected[i]);
    }
  });

  it('stays right for more secrets than its key cache holds, in any order', () => {
    const secrets = Array.from({ length: KEY_CACHE_SIZE + 40 }, (_, i) => `secret-${i}-${'x'.repeat(i % 90)}`);
    const order = [...secrets, ...secrets.slice().reverse(), ...secrets.filter((_, i) => i % 3 === 0)];
    const expected = pythonHmac(order.map((s) => [s, `data for ${s}`] as const));
    for (const [i, s] of order.entries()) expect(nodeCrypto.hmacHex(s, `data for ${s}`)).toBe(expected[i]);
  });

  it('fills bytes from the CSPRNG: no two 32-byte draws alike, every byte value seen', () => {
    const seen = new Set<string>();
    const values = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const b = new Uint8Array(32);
      nodeCrypto.randomFill(b);
      seen.add(Buffer.from(b).toString('hex'));
      for (const v of b) values.add(v);
    }
    expect(seen.size).toBe(200);
    expect(values.size).toBe(256);
  });
});
