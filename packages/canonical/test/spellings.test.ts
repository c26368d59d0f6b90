import { CanonicalError, percentSpellings } from '@reqsign/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * The oracle, written from the rule and not from the code: a server's single decoding of a name, left to right, each
 * `%` with two hex digits after it one character (its byte), everything else (a malformed `%` included) as it is.
 * A non-ASCII byte or character can never be an ASCII name's character, so bytes need no UTF-8 decoding here.
 */
const decodedOnce = (spelling: string): string =>
  spelling.replace(/%[0-9A-Fa-f]{2}/g, (e) => String.fromCharCode(Number.parseInt(e.slice(1), 16)));

const whole = (name: string, flags = ''): RegExp => new RegExp(`^(?:${percentSpellings(name)})$`, flags);

/** Names of RFC 3986 unreserved characters, the helper's domain; letters that are hex digits drawn often. */
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
const name = fc.string({
  unit: fc.oneof(fc.constantFrom(...UNRESERVED), fc.constantFrom('a', 'F', 'k', '_', '5')),
  minLength: 1,
  maxLength: 12,
});
/** A spelling of `name` that a decoder may read as it: each character as itself or `%XX`, each hex digit in a random case. */
const spellingOf = (name: string): fc.Arbitrary<string> =>
  fc.tuple(...[...name].map(() => fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()))).map((choices) =>
    choices
      .map(([escaped, upperHi, upperLo], i) => {
        if (!escaped) return name[i]!;
        const hex = name.charCodeAt(i).toString(16).padStart(2, '0');
        return `%${upperHi ? hex[0]!.toUpperCase() : hex[0]}${upperLo ? hex[1]!.toUpperCase() : hex[1]}`;
      })
      .join(''),
  );
/** What an edit puts in: any characters of UTF-16, or hex digits and `%` (a near miss of an escape). */
const inserted = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF%'), minLength: 1, maxLength: 3 }),
);
/** One edit anywhere: characters inserted, one removed, or one replaced. */
const edited = (text: string): fc.Arbitrary<string> =>
  fc
    .tuple(fc.nat({ max: text.length }), fc.constantFrom('insert', 'remove', 'replace'), inserted)
    .map(([at, how, s]) =>
      how === 'insert' ? text.slice(0, at) + s + text.slice(at) : text.slice(0, at) + (how === 'replace' ? s : '') + text.slice(at + 1),
    );

describe('percentSpellings', () => {
  it('matches exactly the spellings that decode once to the name (generated names, spellings over all of UTF-16)', () => {
    const spelling = (name: string) =>
      fc.oneof(
        spellingOf(name),
        spellingOf(name).chain(edited),
        // A near miss: one character of a spelling (a hex digit of an escape, most likely) replaced by a hex digit or `%`.
        fc
          .tuple(spellingOf(name), fc.nat(), fc.constantFrom(...'0123456789abcdefABCDEF%'))
          .map(([text, at, c]) => text.slice(0, at % text.length) + c + text.slice((at % text.length) + 1)),
        fc.string({ unit: 'binary', maxLength: 16 }),
        fc.string({ unit: fc.constantFrom('%', '2', '5', 'a', 'A', 'f', 'F', '6', 'b', 'B', '_', '\u00e9', '\ud800'), maxLength: 16 }),
      );
    fc.assert(
      fc.property(
        name.chain((n) => fc.tuple(fc.constant(n), spelling(n))),
        ([n, text]) => {
          const want = decodedOnce(text) === n;
          expect(whole(n).test(text)).toBe(want);
          // The source is valid, and means the same, in unicode mode.
          expect(whole(n, 'u').test(text)).toBe(want);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('matches every spelling made from the name, each escape in either case', () => {
    fc.assert(
      fc.property(
        name.chain((n) => fc.tuple(fc.constant(n), spellingOf(n))),
        ([n, text]) => {
          expect(decodedOnce(text)).toBe(n);
          expect(whole(n).test(text)).toBe(true);
        },
      ),
    );
  });

  it('reads the examples of the specs', () => {
    const apiKey = whole('api_key');
    for (const yes of ['api_key', 'api%5Fkey', 'api%5fkey', '%61pi_key', '%61%70%69%5f%6b%65%79', '%61%70%69%5F%6B%65%79']) {
      expect(apiKey.test(yes), yes).toBe(true);
    }
    // A malformed escape decodes to no name; an escape is decoded once, never twice; case counts.
    for (const no of ['api_key%ZZ', 'api%5key', 'api%255Fkey', '%2561pi_key', 'API_KEY', 'api_keY', 'api%5F%6Bey%', '']) {
      expect(apiKey.test(no), no).toBe(false);
    }
    // Characters that mean something to a regular expression stand for themselves.
    expect(whole('a.b').test('a.b')).toBe(true);
    expect(whole('a.b').test('a%2eb')).toBe(true);
    expect(whole('a.b').test('axb')).toBe(false);
    expect(whole('-~').test('%2D%7e')).toBe(true);
  });

  it('refuses a name that is not one or more unreserved characters, or no string', () => {
    // A `%`, `+`, `&`, `=`, a space, non-ASCII: spellings that depend on the decoder, or no name a scheme writes raw.
    for (const bad of [
      '',
      '%',
      'a%41',
      'a+b',
      'a b',
      'a&b',
      'a=b',
      '\u0080',
      'caf\u00e9',
      '\ud800',
      '\u{1f600}',
      undefined,
      null,
      1,
      {},
      ['a'],
    ]) {
      expect(() => percentSpellings(bad as never), String(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (text) => {
        const unreserved = text.length > 0 && [...text].every((c) => UNRESERVED.includes(c));
        if (unreserved) expect(typeof percentSpellings(text)).toBe('string');
        else expect(() => percentSpellings(text)).toThrow(CanonicalError);
      }),
    );
  });
});
