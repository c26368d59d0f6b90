import { NogError } from '@reqsign/nog';

/** Checks a `passPreflight` option (default true). */
export function checkPassPreflight(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new NogError('ERR_INVALID_ARGUMENT', 'passPreflight must be a boolean');
  return value;
}

/** A request header that is there (Node gives a repeated one as an array). */
const present = (value: unknown): boolean => typeof value === 'string' || (Array.isArray(value) && value.length > 0);

/**
 * A CORS preflight (Fetch standard, 4.8, "CORS-preflight fetch"): `OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`, as a browser sends it before a cross-origin request it cannot sign: it goes on,
 * unverified, to the CORS handler. `header` reads one request header (lower-case name).
 */
export function isPreflight(method: string, header: (name: string) => unknown): boolean {
  return method === 'OPTIONS' && present(header('origin')) && present(header('access-control-request-method'));
}
