/** Every error code that @reqsign/canonical throws. */
export type CanonicalErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_TARGET_EMPTY'
  | 'ERR_TARGET_TOO_LONG'
  | 'ERR_TARGET_CHARACTER'
  | 'ERR_TARGET_SCHEME'
  | 'ERR_TARGET_FORM'
  | 'ERR_TARGET_HOST'
  | 'ERR_QUERY_ENCODING'
  | 'ERR_DATE_FORMAT'
  | 'ERR_DATE_RANGE'
  | 'ERR_TIME_ZONE'
  | 'ERR_HEX'
  | 'ERR_BASE64';

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

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a string; `name` is the argument's name. */
export function assertString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', `${name} must be a string`);
  }
}
