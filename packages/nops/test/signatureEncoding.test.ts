import { fromBase64 } from '@reqsign/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../src/internal/crypto-node.js';
import { webVerify } from '../src/internal/crypto-web.js';
import { DOC_MESSAGE, builds, outcomeOf, pem } from './helpers.js';

const PUBLIC = pem('rsa2048.pub');
const SIGNATURE = (
  await builds[0]![1].sign('/nops_api/v1/billingGetTotal/', {
    apiKey: '123.aaaa4432454ccccb5a2280e755fdzzzz',
    date: '2022-01-10',
    privateKey: pem('rsa2048'),
  })
).signature;

/** The strict reading (canonical `fromBase64`, not empty): the bytes, or null where verify must say ERR_NOPS_SIGNATURE_ENCODING. */
function strict(text: string): Uint8Array | null {
  try {
    const bytes = fromBase64(text);
    return bytes.length === 0 ? null : bytes;
  } catch {
    return null;
  }
}

// Digits whose unused low bits are zero or not (A, Q, g, w / B, R, h), the URL-safe digits, padding in any place,
// what Node's decoder skips (space, newline, '*', non-ASCII), and a lone surrogate.
const CHARS = ['A', 'Q', 'g', 'w', 'B', 'R', 'h', '+', '/', '-', '_', '=', ' ', '\n', '*', 'é', '\ud800'];
const short = fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((cs) => cs.join(''));
// A real signature with one character replaced, inserted or removed.
const edited = fc
  .tuple(fc.nat({ max: SIGNATURE.length - 1 }), fc.constantFrom(...CHARS), fc.constantFrom('replace', 'insert', 'remove'))
  .map(([at, c, how]) =>
    how === 'replace'
      ? SIGNATURE.slice(0, at) + c + SIGNATURE.slice(at + 1)
      : how === 'insert'
        ? SIGNATURE.slice(0, at) + c + SIGNATURE.slice(at)
        : SIGNATURE.slice(0, at) + SIGNATURE.slice(at + 1),
  );
// The last quartet, where padding and unused bits are: every ending of a real signature.
const ending = fc
  .tuple(fc.constantFrom(...CHARS), fc.constantFrom(...CHARS), fc.constantFrom(...CHARS))
  .map(([a, b, c]) => SIGNATURE.slice(0, -3) + a + b + c);
// A UTF-16 unit outside ASCII whose low byte is a base64 digit, `=`, a URL-safe digit or what Node's decoder skips
// (U+0141 ends in 0x41, `A`; 0xD8-0xDF high bytes make lone surrogates): Node's decoder reads only that low byte.
const LOW_BYTES = [...'ABNQRgwhz09+/=-_ \n'].map((c) => c.charCodeAt(0));
const lowByteTwin = fc
  .tuple(fc.constantFrom(...LOW_BYTES), fc.integer({ min: 1, max: 255 }))
  .map(([low, high]) => String.fromCharCode((high << 8) | low));
// Every position of a real signature, each replaced by such a twin, or by any UTF-16 unit; or a whole string of them.
const twinned = fc
  .tuple(fc.nat({ max: SIGNATURE.length - 1 }), fc.oneof(lowByteTwin, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })))
  .map(([at, c]) => SIGNATURE.slice(0, at) + c + SIGNATURE.slice(at + 1));
const anyUtf16 = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.array(fc.oneof(lowByteTwin, fc.constantFrom(...CHARS)), { maxLength: 12 }).map((cs) => cs.join('')),
);
const text = fc.oneof(short, edited, ending, twinned, anyUtf16);

describe('the signature encoding', () => {
  it('refuses, in both providers, every digit of a real signature replaced by a unit whose low byte is that digit', () => {
    // The campaign's finding: U+0141 for `A`, U+014E for `N`; here every position and every high byte.
    const accepted: string[] = [];
    for (let at = 0; at < SIGNATURE.length; at++) {
      const digit = SIGNATURE.charCodeAt(at);
      if (digit === 0x3d) continue;
      for (let high = 1; high < 256; high++) {
        const t = SIGNATURE.slice(0, at) + String.fromCharCode((high << 8) | digit) + SIGNATURE.slice(at + 1);
        for (const [name, provider] of [
          ['node', nodeCrypto],
          ['webcrypto', webVerify],
        ] as const) {
          let code: string | undefined;
          try {
            provider.decodeSignature(t);
          } catch (err) {
            code = (err as { code?: string }).code;
          }
          if (code !== 'ERR_NOPS_SIGNATURE_ENCODING') accepted.push(`${name}: U+${((high << 8) | digit).toString(16)} at ${at}`);
        }
      }
    }
    expect(accepted.slice(0, 5)).toEqual([]);
  });

  it('is decoded by both providers exactly as canonical fromBase64 reads it, bytes included', () => {
    fc.assert(
      fc.property(text, (t) => {
        const expected = strict(t);
        for (const provider of [nodeCrypto, webVerify]) {
          let got: Uint8Array | string;
          try {
            got = provider.decodeSignature(t);
          } catch (err) {
            got = (err as { code?: string }).code ?? 'untyped';
          }
          if (expected === null) expect(got).toBe('ERR_NOPS_SIGNATURE_ENCODING');
          else expect(Buffer.from(got as Uint8Array).equals(Buffer.from(expected))).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it.each(builds)('decides what verify answers (%s)', async (_name, build) => {
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const outcome = await outcomeOf(build.verify({ message: DOC_MESSAGE }, t, PUBLIC));
        const bytes = strict(t);
        const isSignature = bytes !== null && Buffer.from(bytes).equals(Buffer.from(SIGNATURE, 'base64'));
        expect(outcome).toBe(bytes === null ? 'ERR_NOPS_SIGNATURE_ENCODING' : isSignature ? 'valid' : 'ERR_NOPS_SIGNATURE_INVALID');
      }),
      { numRuns: 500 },
    );
  });
});
