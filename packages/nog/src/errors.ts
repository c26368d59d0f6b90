import { ReqsignError } from '@reqsign/canonical';

/**
 * The codes a verification can fail with: the original Nog server's seven, then five for what it lacked (a future
 * authdate, an unknown algorithm, a malformed request, a nonce store or key lookup that cannot answer).
 */
export type NogAuthErrorCode =
  | 'ERR_AUTH_FIELD_MISSING'
  | 'ERR_AUTH_DATE_INVALID'
  | 'ERR_AUTH_SIG_EXPIRED'
  | 'ERR_AUTH_KEY_UNKNOWN'
  | 'ERR_AUTH_SIG_INVALID'
  | 'ERR_AUTH_EXPIRES_INVALID'
  | 'ERR_AUTH_NONCE_INVALID'
  | 'ERR_AUTH_DATE_FUTURE'
  | 'ERR_AUTH_ALGORITHM_UNSUPPORTED'
  | 'ERR_AUTH_MALFORMED'
  | 'ERR_AUTH_NONCE_STORE'
  | 'ERR_AUTH_KEY_LOOKUP';

/** Every code a {@link NogError} carries: the verification codes, and those for bad arguments and options. */
export type NogErrorCode =
  | NogAuthErrorCode
  /** An argument or option of the wrong type (the message names it). */
  | 'ERR_INVALID_ARGUMENT'
  /** A verifier or store option with an impossible value (the message names it). */
  | 'ERR_OPTION_RANGE'
  /** The method to sign is not an HTTP token (`GET`, `POST`, ...). */
  | 'ERR_SIGN_METHOD'
  /** The key id is empty or has characters other than `A-Z a-z 0-9 - . _ ~`, or the secret is empty. */
  | 'ERR_SIGN_KEY'
  /** `expires` is not a whole number of seconds from 0, or `date + expires` lies after 9999-12-31T23:59:59Z. */
  | 'ERR_SIGN_EXPIRES'
  /** The nonce is empty or has characters other than `A-Z a-z 0-9 - . _ ~`. */
  | 'ERR_SIGN_NONCE'
  /** The URL to sign already has an auth parameter (`authexpires`, `auth%6Beyid`, ...) in its query. */
  | 'ERR_SIGN_AUTH_PARAMETER'
  /** The verifier's `now()` threw, or returned something other than a finite number of milliseconds. */
  | 'ERR_CLOCK_INVALID'
  /** A verifier's async key lookup did not answer within `keyLookupTimeoutMs` (a 503's `cause`, never thrown). */
  | 'ERR_KEY_LOOKUP_TIMEOUT'
  /** `createNogFetch`'s key provider threw or rejected; its error is the `cause`. */
  | 'ERR_KEY_PROVIDER'
  /** The WebCrypto build found no `crypto.subtle` or `crypto.getRandomValues` (an insecure browser context). */
  | 'ERR_CRYPTO_UNAVAILABLE';

/** An error of @reqsign/nog: a stable `code` and a fixed message that never contains a key, secret or signature. */
export class NogError extends ReqsignError<NogErrorCode> {}

/**
 * The fixed message of each verification failure. For the original's codes these are the original server's
 * strings, so that clients matching on them keep working.
 */
export const AUTH_MESSAGES: Readonly<Record<NogAuthErrorCode, string>> = {
  ERR_AUTH_FIELD_MISSING: 'Invalid signature (missing authkeyid).',
  ERR_AUTH_DATE_INVALID: 'Invalid authdate',
  ERR_AUTH_SIG_EXPIRED: 'Expired signature',
  ERR_AUTH_KEY_UNKNOWN: 'Unknown key.',
  ERR_AUTH_SIG_INVALID: 'Invalid signature.',
  ERR_AUTH_EXPIRES_INVALID: 'Invalid expires.',
  ERR_AUTH_NONCE_INVALID: 'Invalid nonce.',
  ERR_AUTH_DATE_FUTURE: 'Authdate is in the future.',
  ERR_AUTH_ALGORITHM_UNSUPPORTED: 'Unsupported authalgorithm.',
  ERR_AUTH_MALFORMED: 'Malformed signed request.',
  ERR_AUTH_NONCE_STORE: 'Nonce store unavailable.',
  ERR_AUTH_KEY_LOOKUP: 'Key lookup unavailable.',
};
