import { NogError } from '@reqsign/nog';

/** Checks a `passPreflight` option (default true). */
export function checkPassPreflight(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new NogError('ERR_INVALID_ARGUMENT', 'passPreflight must be a boolean');
  return value;
}

/**
 * A CORS preflight (Fetch standard, 4.8): `OPTIONS` with an `Access-Control-Request-Method` header. A browser sends it
 * before a cross-origin request, without credentials and without the signed URL's query meaning anything to it, so
 * it cannot be signed: it goes on, unverified, to the CORS handler. `header` reads one request header (lower case).
 */
export function isPreflight(method: string, header: (name: string) => unknown): boolean {
  if (method !== 'OPTIONS') return false;
  const value = header('access-control-request-method');
  return typeof value === 'string' || (Array.isArray(value) && value.length > 0);
}
