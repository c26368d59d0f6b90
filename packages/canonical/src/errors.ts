/** The codes of a URL that cannot be a request target (`parseRequestTarget`, `parseReceivedTarget`). */
export type TargetErrorCode =
  | 'ERR_TARGET_EMPTY'
  | 'ERR_TARGET_TOO_LONG'
  | 'ERR_TARGET_CHARACTER'
  | 'ERR_TARGET_SCHEME'
  | 'ERR_TARGET_FORM'
  | 'ERR_TARGET_HOST';

/** Every {@link TargetErrorCode}: what a scheme's verifier answers as a failure value for a received URL. */
export const TARGET_ERROR_CODES: readonly TargetErrorCode[] = /* @__PURE__ */ Object.freeze([
  'ERR_TARGET_EMPTY',
  'ERR_TARGET_TOO_LONG',
  'ERR_TARGET_CHARACTER',
  'ERR_TARGET_SCHEME',
  'ERR_TARGET_FORM',
  'ERR_TARGET_HOST',
]);

/** The codes of a date or day that cannot be read (`parseDateTime`, `parseDay`, `formatDay`). */
export type DateErrorCode = 'ERR_DATE_FORMAT' | 'ERR_DATE_RANGE' | 'ERR_TIME_ZONE';

/** Every {@link DateErrorCode}. */
export const DATE_ERROR_CODES: readonly DateErrorCode[] = /* @__PURE__ */ Object.freeze([
  'ERR_DATE_FORMAT',
  'ERR_DATE_RANGE',
  'ERR_TIME_ZONE',
]);

/** Every error code that @reqsign/canonical throws. */
export type CanonicalErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | TargetErrorCode
  | 'ERR_QUERY_ENCODING'
  | DateErrorCode
  | 'ERR_HEX'
  | 'ERR_BASE64'
  | 'ERR_CRYPTO_UNAVAILABLE';

/**
 * The base class of every error that a reqsign package throws: a fixed message and a stable `code`. Messages never
 * contain keys, secrets or signatures.
 */
export class ReqsignError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An input that cannot be canonicalized: a URL that is no request target, an impossible date, bad hex. */
export class CanonicalError extends ReqsignError<CanonicalErrorCode> {}

/**
 * A reqsign error class that can carry `Code`, for the shared checks (arguments here, WebCrypto in webcrypto.ts) to
 * throw the calling package's own error.
 */
export type ErrorClass<Code extends string> = new (code: Code, message: string) => Error;
/** An error class for `ERR_INVALID_ARGUMENT`. */
export type ArgumentErrorClass = ErrorClass<'ERR_INVALID_ARGUMENT'>;

/** The name of an argument for a message: a caller's non-string name becomes `argument`, never an exception. */
const label = (name: unknown): string => (typeof name === 'string' ? name : 'argument');

/**
 * The argument checks every reqsign package uses: each throws `ERR_INVALID_ARGUMENT` naming the argument, as an
 * instance of `Err` (the calling package's error class; default {@link CanonicalError}).
 */
export function assertString(value: unknown, name: string, Err: ArgumentErrorClass = CanonicalError): asserts value is string {
  if (typeof value !== 'string') throw new Err('ERR_INVALID_ARGUMENT', `${label(name)} must be a string`);
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a non-null object (arrays included). */
export function assertObject(value: unknown, name: string, Err: ArgumentErrorClass = CanonicalError): asserts value is object {
  if (typeof value !== 'object' || value === null) throw new Err('ERR_INVALID_ARGUMENT', `${label(name)} must be an object`);
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a function. */
export function assertFunction(
  value: unknown,
  name: string,
  Err: ArgumentErrorClass = CanonicalError,
): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new Err('ERR_INVALID_ARGUMENT', `${label(name)} must be a function`);
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a boolean. */
export function assertBoolean(value: unknown, name: string, Err: ArgumentErrorClass = CanonicalError): asserts value is boolean {
  if (typeof value !== 'boolean') throw new Err('ERR_INVALID_ARGUMENT', `${label(name)} must be a boolean`);
}
