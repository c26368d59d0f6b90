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
const text = fc.oneof(short, edited, ending);

describe('the signature encoding', () => {
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
