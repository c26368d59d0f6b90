import { ReqsignError, type DateErrorCode, type TargetErrorCode } from '@reqsign/canonical';

/**
 * Every error code that a function of @reqsign/nops can throw: a {@link NopsError}'s own, and those of
 * @reqsign/canonical that pass through unchanged as a `CanonicalError` (exported here, a `ReqsignError` too):
 * `ERR_TARGET_*` for a URL that is no request target, `ERR_DATE_FORMAT` / `ERR_DATE_RANGE` for a bad date,
 * `ERR_TIME_ZONE`. `verify` resolves to a result for the codes of a request (`NopsVerifyErrorCode`) instead of
 * throwing them; `ERR_NOPS_SIGNATURE_ENCODING` and `ERR_NOPS_SIGNATURE_MISSING` are only ever results.
 * `NOPS_ERROR_CODES` (internal: the tests' list, kept out of bundles) lists them at run time.
 *
 * - `ERR_INVALID_ARGUMENT`: an argument of the wrong type or an unknown option value; the message names it.
 * - `ERR_NOPS_API_KEY`: the API key has no `.`, an empty client id, or a character that cannot go into a URL raw.
 * - `ERR_NOPS_API_KEY_PARAM`: signing a URL that already has an `api_key` parameter, or verifying in query form a
 *   URL whose last parameter is not `api_key=<the key>`.
 * - `ERR_NOPS_TRAILING_SLASH`: the path does not end in `/` and `trailingSlash: 'reject'` (or verification).
 * - `ERR_NOPS_DATE`: a `YYYY-MM-DD` date together with a `timeZone` (the day is already fixed; a zone would be
 *   silently ignored).
 * - `ERR_NOPS_KEY`: a key that cannot be read, is not RSA, has a modulus outside 1024-16384 bits, or is of the
 *   wrong kind (a private key where a public key belongs, an encrypted PEM, a certificate); a private key whose
 *   parts do not belong together, found when signing.
 * - `ERR_NOPS_KEY_SIZE`: `generateKeyPair` asked for an unsupported size.
 * - `ERR_KEY_PROVIDER`: a key provider of `createNopsFetch` (`apiKey` or `privateKey` as a function) threw or
 *   rejected; its error is the `cause`.
 * - `ERR_NOPS_ORIGIN`: `createNopsFetch` was asked to send to an origin other than its `baseUrl`'s.
 * - `ERR_NOPS_SIGNATURE_ENCODING`: the signature is not strict, padded, standard base64 (or is empty, or is not one
 *   string: a repeated header).
 * - `ERR_NOPS_SIGNATURE_MISSING`: the request carries no signature (a `verify` result, never thrown by a function).
 * - `ERR_CRYPTO_UNAVAILABLE`: the WebCrypto build found no `crypto.subtle` (a browser page over plain http).
 */
export type NopsErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_NOPS_API_KEY'
  | 'ERR_NOPS_API_KEY_PARAM'
  | 'ERR_NOPS_TRAILING_SLASH'
  | 'ERR_NOPS_DATE'
  | 'ERR_NOPS_KEY'
  | 'ERR_NOPS_KEY_SIZE'
  | 'ERR_NOPS_ORIGIN'
  | 'ERR_KEY_PROVIDER'
  | 'ERR_NOPS_SIGNATURE_ENCODING'
  | 'ERR_NOPS_SIGNATURE_MISSING'
  | 'ERR_CRYPTO_UNAVAILABLE'
  | TargetErrorCode
  | DateErrorCode;

// Every code, at run time.
const CODES = [
  'ERR_INVALID_ARGUMENT',
  'ERR_NOPS_API_KEY',
  'ERR_NOPS_API_KEY_PARAM',
  'ERR_NOPS_TRAILING_SLASH',
  'ERR_NOPS_DATE',
  'ERR_NOPS_KEY',
  'ERR_NOPS_KEY_SIZE',
  'ERR_NOPS_ORIGIN',
  'ERR_KEY_PROVIDER',
  'ERR_NOPS_SIGNATURE_ENCODING',
  'ERR_NOPS_SIGNATURE_MISSING',
  'ERR_CRYPTO_UNAVAILABLE',
  'ERR_TARGET_EMPTY',
  'ERR_TARGET_TOO_LONG',
  'ERR_TARGET_CHARACTER',
  'ERR_TARGET_SCHEME',
  'ERR_TARGET_FORM',
  'ERR_TARGET_HOST',
  'ERR_DATE_FORMAT',
  'ERR_DATE_RANGE',
  'ERR_TIME_ZONE',
] as const;
// A code added to the union and not to the list (or the reverse) is a type error here.
const complete: [Exclude<NopsErrorCode, (typeof CODES)[number]>, Exclude<(typeof CODES)[number], NopsErrorCode>] extends [never, never]
  ? true
  : false = true;
/** Every {@link NopsErrorCode}: what `catch (e) { if (e instanceof ReqsignError) e.code }` can hold after an nOps call. */
export const NOPS_ERROR_CODES: readonly NopsErrorCode[] = /* @__PURE__ */ Object.freeze(complete ? CODES : []);

/** An nOps-specific error: a fixed message and a stable `code`. Messages never contain keys or signatures. */
export class NopsError extends ReqsignError<NopsErrorCode> {}

/** Throws `ERR_INVALID_ARGUMENT` naming the argument. */
export function invalidArgument(message: string): never {
  throw new NopsError('ERR_INVALID_ARGUMENT', message);
}

/** An `ERR_NOPS_KEY` error (to throw), with the cause when one is given. */
export function keyError(message: string, cause?: unknown): NopsError {
  return new NopsError('ERR_NOPS_KEY', message, cause === undefined ? undefined : { cause });
}
