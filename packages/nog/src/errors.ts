import { ReqsignError, type TargetErrorCode } from '@reqsign/canonical';

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

/**
 * Every code a function of @reqsign/nog can throw, and the verification codes its results carry (never thrown): a
 * {@link NogError}'s own, and those of the two errors that pass through unchanged, both `ReqsignError`s exported
 * here: a `CanonicalError` for a URL that is no request target (`ERR_TARGET_*`) or an authdate that cannot be read
 * (`ERR_DATE_FORMAT`, `ERR_DATE_RANGE`) given to `sign`, and a `NonceStoreError` from `MemoryNonceStore.claim`
 * (`ERR_NONCE_STORE_FULL`, `ERR_NONCE_STORE_UNAVAILABLE`). `NOG_ERROR_CODES` (internal: the tests' list, kept out of bundles) lists them at run time.
 */
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
  | 'ERR_CRYPTO_UNAVAILABLE'
  /** (`CanonicalError`) `sign`: a URL that is no http(s) request target, or a signed URL over `maxUrlLength`. */
  | TargetErrorCode
  /** (`CanonicalError`) `sign`: an authdate string that is not `YYYY-MM-DDTHHMMSSZ`, or a date outside 0000-9999. */
  | 'ERR_DATE_FORMAT'
  | 'ERR_DATE_RANGE'
  /** (`NonceStoreError`) `MemoryNonceStore.claim`: full, or a clock outside its 136 years (or out of memory). */
  | 'ERR_NONCE_STORE_FULL'
  | 'ERR_NONCE_STORE_UNAVAILABLE';

// Every code, at run time.
const CODES = [
  'ERR_AUTH_FIELD_MISSING',
  'ERR_AUTH_DATE_INVALID',
  'ERR_AUTH_SIG_EXPIRED',
  'ERR_AUTH_KEY_UNKNOWN',
  'ERR_AUTH_SIG_INVALID',
  'ERR_AUTH_EXPIRES_INVALID',
  'ERR_AUTH_NONCE_INVALID',
  'ERR_AUTH_DATE_FUTURE',
  'ERR_AUTH_ALGORITHM_UNSUPPORTED',
  'ERR_AUTH_MALFORMED',
  'ERR_AUTH_NONCE_STORE',
  'ERR_AUTH_KEY_LOOKUP',
  'ERR_INVALID_ARGUMENT',
  'ERR_OPTION_RANGE',
  'ERR_SIGN_METHOD',
  'ERR_SIGN_KEY',
  'ERR_SIGN_EXPIRES',
  'ERR_SIGN_NONCE',
  'ERR_SIGN_AUTH_PARAMETER',
  'ERR_CLOCK_INVALID',
  'ERR_KEY_LOOKUP_TIMEOUT',
  'ERR_KEY_PROVIDER',
  'ERR_CRYPTO_UNAVAILABLE',
  'ERR_TARGET_EMPTY',
  'ERR_TARGET_TOO_LONG',
  'ERR_TARGET_CHARACTER',
  'ERR_TARGET_SCHEME',
  'ERR_TARGET_FORM',
  'ERR_TARGET_HOST',
  'ERR_DATE_FORMAT',
  'ERR_DATE_RANGE',
  'ERR_NONCE_STORE_FULL',
  'ERR_NONCE_STORE_UNAVAILABLE',
] as const;
// A code added to the union and not to the list (or the reverse) is a type error here.
const complete: [Exclude<NogErrorCode, (typeof CODES)[number]>, Exclude<(typeof CODES)[number], NogErrorCode>] extends [never, never]
  ? true
  : false = true;
/** Every {@link NogErrorCode}: what `catch (e) { if (e instanceof ReqsignError) e.code }` can hold after a nog call. */
export const NOG_ERROR_CODES: readonly NogErrorCode[] = /* @__PURE__ */ Object.freeze(complete ? CODES : []);

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
