/**
 * Both crypto paths against Python's hmac, an independent implementation, input by input, over keys and messages
 * drawn from all of UTF-16 (lone surrogates included), empty keys, and keys longer than the 64-byte block.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as node from '../src/node.js';
import * as web from '../src/index.js';
import { createOneShotHmac, createStreamHmac, oneShotHash } from '../src/internal/crypto-node.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { pythonHmac } from './helpers.js';

requirePrograms('python3');

/** Every path there is: node's one-shot hashes and createHmac (the path before Node 20.12), and WebCrypto. */
const PATHS: ReadonlyArray<readonly [string, (secret: string, data: string) => string | Promise<string>]> = [
  ['node:crypto (the node entry)', node.createHmacProvider().hmacHex],
  ['node:crypto, one-shot hashes', createOneShotHmac(oneShotHash!)],
  ['node:crypto, createHmac', createStreamHmac()],
  ['WebCrypto (the default entry)', web.createHmacProvider().hmacHex],
];

/**
 * Text from all of UTF-16: `fc.string({ unit: 'binary' })`'s code points (surrogate pairs included), mixed with
 * single code units drawn from 0 to 0xFFFF, which makes lone surrogates too.
 */
const unit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);
const anyText = (minLength: number, maxLength: number) => fc.string({ unit, minLength, maxLength });

const SAMPLES: ReadonlyArray<readonly [string, string]> = [
  ...fc.sample(fc.tuple(anyText(0, 40), anyText(0, 300)), { numRuns: 300, seed: 26 }),
  // Keys longer than the block (64 bytes) once UTF-8 encoded, so hashed first; some of them only after encoding.
  ...fc.sample(fc.tuple(anyText(65, 400), anyText(0, 100)), { numRuns: 100, seed: 27 }),
  ...fc.sample(fc.tuple(fc.string({ unit: fc.constantFrom('é', '€', '𝄞'), minLength: 17, maxLength: 40 }), anyText(0, 50)), {
    numRuns: 50,
    seed: 28,
  }),
  // Empty keys, empty messages, and the edges of the block.
  ...fc.sample(fc.tuple(fc.constant(''), anyText(0, 200)), { numRuns: 30, seed: 29 }),
  ['', ''],
  ['k', ''],
  ['a'.repeat(63), 'm'],
  ['a'.repeat(64), 'm'],
  ['a'.repeat(65), 'm'],
  ['é'.repeat(32), 'm'],
  ['é'.repeat(33), 'm'],
  // Long messages past the one-shot path's scratch buffer, with a non-ASCII key (the byte path).
  ['ключ', 'x€'.repeat(3000)],
];

describe('HMAC-SHA256 on every path agrees with Python hmac, input by input', () => {
  const expected = pythonHmac(SAMPLES);

  it('the samples cover what they claim: lone surrogates, empty keys, keys over the block', () => {
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    expect(SAMPLES.filter(([k, m]) => lone.test(k) || lone.test(m)).length).toBeGreaterThan(50);
    expect(SAMPLES.filter(([k]) => k === '').length).toBeGreaterThan(10);
    expect(SAMPLES.filter(([k]) => Buffer.byteLength(k) > 64).length).toBeGreaterThan(100);
    expect(expected).toHaveLength(SAMPLES.length);
  });

  it.each(PATHS)('%s', async (_name, hmac) => {
    const wrong: string[] = [];
    for (const [i, [secret, data]] of SAMPLES.entries()) {
      const got = await hmac(secret, data);
      if (got !== expected[i]) wrong.push(`#${i} ${JSON.stringify([secret, data]).slice(0, 80)}: ${got} != ${expected[i]}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a lone surrogate is encoded as U+FFFD, in the key and in the message, on every path', async () => {
    for (const [, hmac] of PATHS) {
      expect(await hmac('k\ud800', 'm')).toBe(await hmac('k\ufffd', 'm'));
      expect(await hmac('k', '\udc00m')).toBe(await hmac('k', '\ufffdm'));
      // A surrogate pair is one code point (4 bytes), not two replacements.
      expect(await hmac('k', '\ud834\udd1e')).not.toBe(await hmac('k', '\ufffd\ufffd'));
    }
  });

  it('an empty key is the key of zero bytes (the same as a key of one 0x00 byte, by RFC 2104 padding)', async () => {
    const [empty, zero] = pythonHmac([
      ['', 'message'],
      ['\u0000', 'message'],
    ]);
    expect(empty).toBe(zero);
    for (const [, hmac] of PATHS) expect(await hmac('', 'message')).toBe(empty);
  });
});
