import { CanonicalError, assertString } from './errors.js';

/** One raw query parameter: `value` is `null` when the parameter has no `=` at all (`?flag`). */
export interface QueryParam {
  readonly name: string;
  readonly value: string | null;
}

export interface ParseQueryOptions {
  /**
   * Percent-decode names and values, with `+` as a space (application/x-www-form-urlencoded). Off by default:
   * signatures are over raw bytes. A malformed escape then throws `ERR_QUERY_ENCODING`.
   */
  readonly decode?: boolean;
}

/**
 * Whether a target has a query as the original Nog signer sees it: any `?`, even with nothing after it, counts.
 * `/p?` has a query (an empty one); `/p` has none. Pass a target without its fragment.
 */
export function hasQuery(target: string): boolean {
  assertString(target, 'target');
  return target.includes('?');
}

/**
 * Appends already-encoded `name=value` pairs to a target without touching the bytes that are there: after `?` when
 * the target has no query, after `&` when it has one (also when the query is empty: `/p?` gives `/p?&a=1`).
 */
export function appendQuery(target: string, params: string | ReadonlyArray<readonly [string, string]>): string {
  assertString(target, 'target');
  const suffix = typeof params === 'string' ? params : params.map(([n, v]) => `${n}=${v}`).join('&');
  if (suffix.length === 0) return target;
  return target + (target.includes('?') ? '&' : '?') + suffix;
}

/**
 * Splits a raw query (without `?`) at every `&` into ordered name/value pairs. Duplicates stay visible and in order,
 * empty segments stay (so `serializeQuery(parseQuery(q)) === q` for every `q`); `''` has no parameters.
 */
export function parseQuery(query: string, options?: ParseQueryOptions): QueryParam[] {
  assertString(query, 'query');
  if (query.length === 0) return [];
  const decode = options?.decode === true;
  const out: QueryParam[] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? null : part.slice(eq + 1);
    out.push(decode ? { name: decodeComponent(name), value: value === null ? null : decodeComponent(value) } : { name, value });
  }
  return out;
}

/** The inverse of {@link parseQuery} without decoding: joins the raw pairs with `&`. */
export function serializeQuery(params: ReadonlyArray<QueryParam>): string {
  return params.map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`)).join('&');
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch (cause) {
    throw new CanonicalError('ERR_QUERY_ENCODING', 'The query has a malformed percent-escape', { cause });
  }
}
