import type { ArgumentErrorClass } from './errors.js';
import { assertObject, assertString, CanonicalError } from './errors.js';

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is an array of strings. */
function assertStrings(value: unknown, name: string): asserts value is readonly string[] {
  let ok = Array.isArray(value);
  // An index loop, not every(): a sparse array's holes are not strings either.
  for (let i = 0; ok && i < (value as unknown[]).length; i++) ok = typeof (value as unknown[])[i] === 'string';
  if (!ok) throw new CanonicalError('ERR_INVALID_ARGUMENT', `${name} must be an array of strings`);
}

/**
 * The number of single-character edits (insert, delete, replace, swap two neighbours; characters are UTF-16 code
 * units) from `a` to `b`. With `limit`, the answer past it is `Math.floor(limit) + 1`, and the work is bounded by it:
 * only the cells within `limit + 1` of the diagonal are computed (at most `(2 * limit + 3) * a.length` steps), and it
 * stops once every cell of two neighbouring rows is past the limit. Memory is three rows of `b.length + 1` numbers.
 */
export function editDistance(a: string, b: string, limit?: number): number {
  assertString(a, 'a');
  assertString(b, 'b');
  if (limit !== undefined && (typeof limit !== 'number' || !(limit >= 0))) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'limit must be a number from 0');
  }
  // `over` is the answer for "past the limit"; every cell is capped at it. A cell (i, j) is at least |i - j|, so the
  // cells further than `over` from the diagonal are `over` and need no computing.
  const over = limit === undefined || limit >= a.length + b.length ? a.length + b.length + 1 : Math.floor(limit) + 1;
  if (Math.abs(a.length - b.length) >= over) return over;
  // Three rows: the one before last (for a swap), the last, and the one being written.
  let before = new Array<number>(b.length + 1).fill(over);
  let last = Array.from({ length: b.length + 1 }, (_, j) => Math.min(j, over));
  let row = new Array<number>(b.length + 1).fill(over);
  let lastLeast = 0;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - over);
    const hi = Math.min(b.length, i + over);
    row[0] = Math.min(i, over);
    if (lo > 1) row[lo - 1] = over;
    let least = row[0];
    for (let j = lo; j <= hi; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = Math.min(d, over);
      if (d < least) least = d;
    }
    if (hi < b.length) row[hi + 1] = over;
    // A later row's cells are at least this row's least, or the row before's least + 1 (a swap reads two rows up):
    // once both reach the bound, the distance is past the limit for good.
    if (least >= over && lastLeast + 1 >= over) return over;
    lastLeast = least;
    [before, last, row] = [last, row, before];
  }
  return last[b.length]!;
}

/**
 * The candidate a misspelt `word` most likely meant: the closest within `maxEdits` edits (default a third of its
 * length, at least one), else a candidate it is a prefix of; `undefined` when none is close. Case is ignored. Ties
 * go to the first candidate.
 */
export function closest(word: string, candidates: readonly string[], maxEdits?: number): string | undefined {
  assertString(word, 'word');
  assertStrings(candidates, 'candidates');
  if (maxEdits !== undefined && (typeof maxEdits !== 'number' || !(maxEdits >= 0))) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'maxEdits must be a number from 0');
  }
  if (word.length > 64) return undefined;
  const limit = maxEdits ?? Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    let d = editDistance(word.toLowerCase(), candidate.toLowerCase(), limit);
    // A candidate the word begins (`--no` for `--now`) counts as just within reach: any closer one still wins.
    if (d > limit && word.length >= 2 && candidate.startsWith(word)) d = limit + 0.5;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean x?)` for the closest candidate, or nothing. */
export function didYouMean(word: string, candidates: readonly string[], maxEdits?: number): string {
  const guess = closest(word, candidates, maxEdits);
  return guess === undefined ? '' : ` (did you mean ${guess}?)`;
}

/**
 * Throws `ERR_INVALID_ARGUMENT` (as an `Err`) for the first own enumerable property of `options` whose name is not
 * in `known` (a misspelt option would otherwise be silently ignored), with the known name it most likely meant
 * (within two edits): `createVerifier: unknown option "maxClockSkw" (did you mean maxClockSkew?)`. An option whose
 * value is `undefined` is checked too: its name is still wrong. Call it once, when the options are read.
 */
export function assertKnownOptions(
  options: object,
  known: readonly string[],
  where: string,
  Err: ArgumentErrorClass = CanonicalError,
): void {
  assertObject(options, 'options', Err);
  assertStrings(known, 'known');
  assertString(where, 'where');
  for (const name in options) {
    if (!Object.hasOwn(options, name) || known.includes(name)) continue;
    const shown = name.length > 64 ? `${name.slice(0, 64)}...` : name;
    throw new Err(
      'ERR_INVALID_ARGUMENT',
      `${where}: unknown option ${JSON.stringify(shown)}${didYouMean(name, known, Math.max(2, Math.floor(name.length / 3)))}`,
    );
  }
}

/**
 * The light form of {@link assertKnownOptions}, for code that goes into browser bundles (a signer): the same
 * refusal (`ERR_INVALID_ARGUMENT` for an own enumerable name not in `known`), naming the options there are instead of
 * guessing one (`sign: unknown option "expire" (the options are date, expires, nonce, maxUrlLength)`), so that it
 * carries no edit-distance code. `known` is trusted (the package's own list).
 */
export function assertOptionNames(
  options: object,
  known: readonly string[],
  where: string,
  Err: ArgumentErrorClass = CanonicalError,
): void {
  for (const name in options) {
    if (!known.includes(name) && Object.hasOwn(options, name)) {
      const shown = name.length > 64 ? `${name.slice(0, 64)}...` : name;
      throw new Err('ERR_INVALID_ARGUMENT', `${where}: unknown option ${JSON.stringify(shown)} (the options are ${known.join(', ')})`);
    }
  }
}
