import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertKnownOptions, assertOptionNames, CanonicalError, closest, editDistance, ReqsignError } from '../src/index.js';

/**
 * The reference distance, written apart from the one under test (a recursion over the two words, memoized): the
 * fewest inserts, deletes, replacements and swaps of two neighbours, case ignored.
 */
function referenceDistance(x: string, y: string, exactCase = false): number {
  const a = exactCase ? x : x.toLowerCase();
  const b = exactCase ? y : y.toLowerCase();
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const k = `${i},${j}`;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let best = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d(i - 2, j - 2) + 1);
    memo.set(k, best);
    return best;
  };
  return d(a.length, b.length);
}

/** The option lists of the packages (createVerifier's, sign's, the stores'), as they are spelt. */
const LISTS: readonly (readonly string[])[] = [
  [
    'keys',
    'keyLookupTimeoutMs',
    'now',
    'defaultExpires',
    'maxExpiresWithNonce',
    'maxExpires',
    'maxClockSkew',
    'requireNonce',
    'nonceStore',
    'maxUrlLength',
  ],
  ['verifier', 'mountPrefix', 'originalUrl', 'rewriteUrl', 'onFailure', 'keys', 'now', 'maxClockSkew'],
  ['date', 'expires', 'nonce', 'maxUrlLength'],
  ['apiKey', 'date', 'timeZone', 'apiKeyIn', 'trailingSlash', 'privateKey'],
  ['client', 'prefix', 'timeoutMs', 'clockToleranceMs', 'maxInFlight', 'durability', 'onClaim'],
];

/** One edit of a word at a position: insert, delete, replace (any UTF-16 unit) or swap two neighbours. */
const edit = fc.tuple(
  fc.constantFrom('insert', 'delete', 'replace', 'swap'),
  fc.nat(),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
function applyEdit(word: string, [kind, at, c]: [string, number, string]): string {
  const i = at % (word.length + (kind === 'insert' ? 1 : 0) || 1);
  if (kind === 'insert') return word.slice(0, i) + c + word.slice(i);
  if (kind === 'delete') return word.slice(0, i) + word.slice(i + 1);
  if (kind === 'replace') return word.slice(0, i) + c + word.slice(i + 1);
  return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word;
}

describe('editDistance', () => {
  // Words drawn from a small alphabet as well as from all of UTF-16, so that matches, swaps and near words are common.
  const word = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', '\u00e9', '\ud83d', '\ude00'), maxLength: 10 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
  );

  it('counts the fewest inserts, deletes, replacements and neighbour swaps of UTF-16 units, as the reference does', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(editDistance(a, b)).toBe(referenceDistance(a, b, true));
      }),
      { numRuns: 3000 },
    );
  });

  it('with a limit, answers the distance up to it and Math.floor(limit) + 1 past it', () => {
    fc.assert(
      fc.property(word, word, fc.oneof(fc.nat(12), fc.double({ min: 0, max: 12, noNaN: true })), (a, b, limit) => {
        const exact = referenceDistance(a, b, true);
        expect(editDistance(a, b, limit)).toBe(exact <= limit ? exact : Math.floor(limit) + 1);
      }),
      { numRuns: 3000 },
    );
  });

  it('stops early with a limit: two unlike words of 200,000 units each take a few rows, not 4e10 steps', () => {
    // Unbounded, this pair would take minutes (and, before the rows were reused, 40 GB): the test would time out.
    const a = 'a'.repeat(200_000);
    const b = 'b'.repeat(200_000);
    expect(editDistance(a, b, 2)).toBe(3);
    expect(editDistance(a, `${a}bbb`, 2)).toBe(3);
    expect(editDistance(`${a}x`, `${a}y`, 2)).toBe(1);
  });

  it('refuses a limit that is not a number from 0', () => {
    for (const limit of [-1, Number.NaN, '2', null]) {
      expect(() => editDistance('a', 'b', limit as number)).toThrow(
        new CanonicalError('ERR_INVALID_ARGUMENT', 'limit must be a number from 0'),
      );
    }
  });
});

describe('assertKnownOptions', () => {
  it('refuses every misspelling one or two edits from a known option, and suggests an option at least as close', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LISTS).chain((list) => fc.tuple(fc.constant(list), fc.constantFrom(...list))),
        fc.array(edit, { minLength: 1, maxLength: 2 }),
        ([list, word], edits) => {
          const typo = edits.reduce(applyEdit, word);
          if (list.includes(typo)) return;
          let error: unknown;
          try {
            assertKnownOptions({ [typo]: 1 }, list, 'createThing');
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(CanonicalError);
          expect((error as CanonicalError).code).toBe('ERR_INVALID_ARGUMENT');
          const message = (error as Error).message;
          expect(message.startsWith(`createThing: unknown option ${JSON.stringify(typo)}`)).toBe(true);
          const made = referenceDistance(typo, word);
          if (made === 0 || made > 2 || typo.length < 2) return;
          const guess = /\(did you mean (\S+)\?\)$/.exec(message)?.[1];
          expect(guess, message).toBeDefined();
          expect(list).toContain(guess);
          expect(referenceDistance(typo, guess!)).toBeLessThanOrEqual(made);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('names the option meant in the message, throws the caller’s class, and passes known names and undefined values', () => {
    class MyError extends ReqsignError<'ERR_INVALID_ARGUMENT'> {}
    expect(() => assertKnownOptions({ maxClockSkw: 900 }, LISTS[0]!, 'createVerifier', MyError)).toThrow(
      new MyError('ERR_INVALID_ARGUMENT', 'createVerifier: unknown option "maxClockSkw" (did you mean maxClockSkew?)'),
    );
    expect(() => assertKnownOptions({ maxclockskew: 900 }, LISTS[0]!, 'x')).toThrow('(did you mean maxClockSkew?)');
    expect(() => assertKnownOptions({ frobnicate: 1 }, LISTS[0]!, 'x')).toThrow(/^x: unknown option "frobnicate"$/);
    // A misspelt name is wrong whatever its value.
    expect(() => assertKnownOptions({ maxExpirse: undefined }, LISTS[0]!, 'x')).toThrow('(did you mean maxExpires?)');
    expect(() => assertKnownOptions({ keys: {}, maxClockSkew: undefined }, LISTS[0]!, 'x')).not.toThrow();
    // Inherited and symbol-keyed properties are not options.
    expect(() => assertKnownOptions(Object.assign(Object.create({ inherited: 1 }), { keys: 1 }), LISTS[0]!, 'x')).not.toThrow();
    expect(() => assertKnownOptions({ [Symbol('s')]: 1 }, LISTS[0]!, 'x')).not.toThrow();
  });

  it('prefers a real near miss to a longer option the word begins', () => {
    // maxExpire is one edit from maxExpires, and also the start of maxExpiresWithNonce (listed first).
    expect(closest('maxExpire', LISTS[0]!, 2)).toBe('maxExpires');
    expect(closest('--no', ['--nonce', '--now'])).toBe('--now');
    expect(closest('--exp', ['--expires'])).toBe('--expires');
  });
});

describe('assertOptionNames (the light check of browser-bundled signers)', () => {
  it('refuses every name not known, naming the options, and passes known and inherited names', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LISTS), fc.string({ unit: 'binary', maxLength: 20 }), (list, name) => {
        const call = () => assertOptionNames({ [name]: 1 }, list, 'sign');
        if (list.includes(name)) expect(call).not.toThrow();
        else
          expect(call).toThrow(
            new CanonicalError('ERR_INVALID_ARGUMENT', `sign: unknown option ${JSON.stringify(name)} (the options are ${list.join(', ')})`),
          );
      }),
    );
    expect(() => assertOptionNames(Object.create({ x: 1 }), ['a'], 'sign')).not.toThrow();
  });
});
