import { failureBody, type VerifyFailure } from '@reqsign/nog';

/** The headers of every failure response: JSON, and never cached (a 401 or 503 says nothing about the resource). */
const COMMON: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};

/**
 * The scheme a 401 names in `WWW-Authenticate` (RFC 9110 11.6.1: a 401 must carry one): the algorithm token that
 * clients send as `authalgorithm`, so that a client or a log can tell which signature is asked for.
 */
export const AUTH_SCHEME = 'nog-v1';

/** Seconds a client should wait before it retries after a 503 (the nonce store or key lookup failed: usually brief). */
export const RETRY_AFTER_SECONDS = 1;

/** The status, headers and body that answer a failed verification. */
export interface FailureResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The answer to a failure: 401 with `WWW-Authenticate: nog-v1`, or 503 with `Retry-After`, each with the original
 * Nog server's JSON body.
 */
export function failureResponse(result: VerifyFailure): FailureResponse {
  const extra: Record<string, string> =
    result.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : { 'www-authenticate': AUTH_SCHEME };
  return { status: result.status, headers: { ...COMMON, ...extra }, body: failureBody(result) };
}
