import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalError, parseReceivedTarget, parseRequestTarget, receivedTargetOf } from '../src/index.js';

/** What parseReceivedTarget says of a received URL: its target, or null for a target code. */
function reference(url: string, maxLength?: number): string | null {
  try {
    return parseReceivedTarget(url, maxLength === undefined ? undefined : { maxLength }).target;
  } catch (err) {
    if ((err as CanonicalError).code === 'ERR_INVALID_ARGUMENT') throw err;
    return null;
  }
}

describe('receivedTargetOf', () => {
  // Origin-form and absolute URLs built from pieces that matter (#, ?, //, space, controls, DEL, non-ASCII, lone
  // surrogates) as well as any UTF-16 text, at lengths around the limit.
  const piece = fc.oneof(
    fc.constantFrom('/', '//', '?', '#', '&', 'a', ' ', '\t', '\u007f', '\u0000', '\u00e9', '\ud800', 'http://h', 'HTTPS://', '@', ':'),
    fc.string({ unit: 'binary', maxLength: 3 }),
  );
  const url = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));

  it('gives the target parseReceivedTarget gives, or null where it throws a target code (property)', () => {
    fc.assert(
      fc.property(url, fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }), (u, max) => {
        expect(receivedTargetOf(u, max)).toBe(reference(u, max));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses arguments as the parser does', () => {
    expect(() => receivedTargetOf(1 as unknown as string)).toThrow(CanonicalError);
    // 1e20 is a whole number: the message gives the range it is outside of.
    const refused = new CanonicalError('ERR_INVALID_ARGUMENT', 'maxLength must be a whole number from 1 to 2^53 - 1');
    for (const max of [0, -1, 1.5, Number.NaN, 1e20, 2 ** 53]) {
      expect(() => receivedTargetOf('/p', max)).toThrow(refused);
      expect(() => parseRequestTarget('/p', { maxLength: max })).toThrow(refused);
    }
    expect(receivedTargetOf('/p', 2 ** 53 - 1)).toBe('/p');
  });
});
