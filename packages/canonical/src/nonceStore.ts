import { CanonicalError, ReqsignError } from './errors.js';

/**
 * One nonce to claim, for any scheme: the `nonce` within its `scope` (for nog-v1 the key id and the authdate; for
 * another scheme whatever its replay rule ties a nonce to), kept until `deadline`, at the verifier's time `now`.
 * The scope is a list of strings so that a store can keep claims apart unambiguously: `['a:b', 'c']` and
 * `['a', 'b:c']` are different scopes (see {@link nonceStoreKey}).
 */
export interface ScopedNonceClaim {
  /** What the nonce is unique within; attacker-controlled strings. */
  readonly scope: readonly string[];
  /** Attacker-controlled: any string. */
  readonly nonce: string;
  /**
   * Milliseconds since the epoch until which the nonce must be remembered: after it the signature that carried the
   * nonce can no longer be valid, so a replay is refused without the store.
   */
  readonly deadline: number;
  /**
   * The verifier's clock when it claims, in milliseconds since the epoch. A store reads no clock of its own: what
   * has expired is decided by the same clock that decided the signature was still valid.
   */
  readonly now: number;
}

/**
 * The nonce store contract, the same for every scheme. `claim` is an atomic claim-if-absent: true when the
 * (scope, nonce) pair is new (and is now remembered at least until `deadline` by the claims' clocks), false when it
 * was seen before and has not expired. It throws or rejects with a {@link NonceStoreError} when the store cannot
 * answer; the verifier then fails closed. The rules, each checked by `@reqsign/canonical/nonce-store-kit`:
 *
 * - atomic: of any number of concurrent claims of one (scope, nonce), exactly one is true;
 * - kept until the deadline, not a millisecond less, by the claim's `now`;
 * - the claim's `now` only: the store never reads a clock of its own;
 * - never evicts a live nonce: a bounded store that is full refuses (`ERR_NONCE_STORE_FULL`);
 * - right when verifiers' clocks disagree (a claim whose `now` lies before an earlier claim's);
 * - failures are `NonceStoreError`s with an `ERR_NONCE_STORE_*` code and a message without scope or nonce.
 */
export interface ScopedNonceStore {
  claim(claim: ScopedNonceClaim): boolean | Promise<boolean>;
}

/**
 * Why a nonce store could not answer a claim. Every store of reqsign throws these codes; a verifier answers any of
 * them by refusing the request (nog-v1: `ERR_AUTH_NONCE_STORE`, HTTP 503).
 *
 * - `ERR_NONCE_STORE_FULL`: the store holds as many live nonces as it may and refuses a new one (never forgets a
 *   live one to make room, so a replay is never accepted).
 * - `ERR_NONCE_STORE_UNAVAILABLE`: the store cannot be reached or used (not connected, out of memory, an error).
 * - `ERR_NONCE_STORE_TIMEOUT`: no answer within the store's time limit.
 * - `ERR_NONCE_STORE_REPLY`: an answer the store does not understand.
 */
export type NonceStoreErrorCode =
  | 'ERR_NONCE_STORE_FULL'
  | 'ERR_NONCE_STORE_UNAVAILABLE'
  | 'ERR_NONCE_STORE_TIMEOUT'
  | 'ERR_NONCE_STORE_REPLY';

/** Every {@link NonceStoreErrorCode}. */
export const NONCE_STORE_ERROR_CODES: readonly NonceStoreErrorCode[] = /* @__PURE__ */ Object.freeze([
  'ERR_NONCE_STORE_FULL',
  'ERR_NONCE_STORE_UNAVAILABLE',
  'ERR_NONCE_STORE_TIMEOUT',
  'ERR_NONCE_STORE_REPLY',
]);

/** A claim that a nonce store could not answer. Messages are fixed and never contain a scope or nonce. */
export class NonceStoreError extends ReqsignError<NonceStoreErrorCode> {}

/** What JSON.stringify escapes in a string (quote, backslash, control characters) and surrogates, paired or not. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without the call for the common string that needs no escaping. */
const quote = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

/**
 * One string for a (scope, nonce) pair: the JSON array `[...scope, nonce]`, exactly as `JSON.stringify` writes it.
 * JSON is injective over lists of strings (quotes, backslashes and lone surrogates are escaped), so two different
 * claims never share a key, whatever characters an attacker puts in them: `(['a:b'], 'c')` and `(['a'], 'b:c')`
 * stay apart, unlike a naive `a:b:c` join. For nog-v1's scope this is the key `@reqsign/nog-redis` has always used.
 */
export function nonceStoreKey(scope: readonly string[], nonce: string): string {
  // An array of strings and a string, or ERR_INVALID_ARGUMENT (never a loop over an array-like's made-up length).
  // (Array.from: every() skips the holes of a sparse array, which would be keyed as "undefined".)
  if (!Array.isArray(scope) || typeof nonce !== 'string' || !Array.from(scope).every((s) => typeof s === 'string')) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'nonceStoreKey takes a scope (an array of strings) and a nonce (a string)');
  }
  let key = '[';
  for (let i = 0; i < scope.length; i++) key += `${quote(scope[i]!)},`;
  return `${key}${quote(nonce)}]`;
}

/**
 * The argument checks a store makes on a claim: `ERR_INVALID_ARGUMENT` (as an `Err`, the store's own error class)
 * unless it is an object with a list of strings for `scope`, a string `nonce`, a number `deadline` and a finite
 * `now`. A claim comes from a verifier, never from the network, so a wrong one is the caller's mistake.
 */
export function assertNonceClaim(
  claim: unknown,
  Err: new (code: 'ERR_INVALID_ARGUMENT', message: string) => Error,
): asserts claim is ScopedNonceClaim {
  if (typeof claim !== 'object' || claim === null) throw new Err('ERR_INVALID_ARGUMENT', 'claim must be an object');
  const { scope, nonce, deadline, now } = claim as Record<string, unknown>;
  if (!Array.isArray(scope) || !Array.from(scope).every((part) => typeof part === 'string')) {
    throw new Err('ERR_INVALID_ARGUMENT', 'claim.scope must be an array of strings');
  }
  if (typeof nonce !== 'string') throw new Err('ERR_INVALID_ARGUMENT', 'claim.nonce must be a string');
  if (typeof deadline !== 'number' || Number.isNaN(deadline)) throw new Err('ERR_INVALID_ARGUMENT', 'claim.deadline must be a number');
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new Err('ERR_INVALID_ARGUMENT', 'claim.now must be a finite number of milliseconds');
  }
}
