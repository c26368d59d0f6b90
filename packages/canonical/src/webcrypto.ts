import { CanonicalError, type ErrorClass } from './errors.js';

type UnavailableError = ErrorClass<'ERR_CRYPTO_UNAVAILABLE'>;

/**
 * The runtime's `SubtleCrypto` type, named through `globalThis` so that these declarations also compile for a
 * consumer without the DOM library (it is `unknown` there).
 */
export type Subtle = typeof globalThis extends { crypto: { subtle: infer S } } ? S : unknown;

// A page served over plain http (other than localhost) has crypto.getRandomValues but no crypto.subtle.
const unavailable = (what: string, Err: UnavailableError): Error =>
  new Err('ERR_CRYPTO_UNAVAILABLE', `${what} is not available outside a secure context (https, localhost)`);

/**
 * The runtime's `crypto.subtle`, or `ERR_CRYPTO_UNAVAILABLE` (an `Err`, default {@link CanonicalError}) when there is
 * none, as on a browser page over plain http.
 */
export function subtleCrypto(Err: UnavailableError = CanonicalError): Subtle {
  const s = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (s === undefined) throw unavailable('crypto.subtle', Err);
  return s;
}

/** Fills `bytes` from the runtime's CSPRNG, or throws `ERR_CRYPTO_UNAVAILABLE` when there is none. */
export function randomFill(bytes: Uint8Array, Err: UnavailableError = CanonicalError): void {
  if (!(bytes instanceof Uint8Array)) throw new CanonicalError('ERR_INVALID_ARGUMENT', 'bytes must be a Uint8Array');
  const c = (globalThis as { crypto?: { getRandomValues?: (b: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.getRandomValues !== 'function') throw unavailable('crypto.getRandomValues', Err);
  // getRandomValues fills at most 65,536 bytes a call (a QuotaExceededError beyond).
  for (let i = 0; i < bytes.length; i += 65536) c.getRandomValues(bytes.subarray(i, i + 65536));
}
