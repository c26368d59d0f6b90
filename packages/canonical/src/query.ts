import { CanonicalError, assertObject, assertString } from './errors.js';
import { isUnreserved } from './grammar.js';

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
  const suffix = typeof params === 'string' ? params : pairsOf(params);
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

/**
 * The source of a regular expression that matches every spelling of `name` that percent-decodes to it, as a server
 * that decodes parameter names reads them: each character as itself or as `%XX`, either case of hex digit
 * (`api%5Fkey`, `%61pi_key`, `api%5fkey`). A malformed escape decodes to no name (`api%5key`); an escape is decoded
 * once (`api%255Fkey` is `api%5Fkey`, not `api_key`). `name` is one or more RFC 3986 unreserved characters
 * (`A-Z a-z 0-9 - . _ ~`, as {@link isUnreserved}), else `ERR_INVALID_ARGUMENT`: a parameter name a scheme writes
 * unescaped, with no `%`, `+` (a space to a form decoder), `&` or `=` whose spellings would depend on the decoder.
 * Each character is one fixed pair of alternatives: linear to match, no decoding, no exception. The source is valid
 * with or without the `u` flag; use it without the `i` flag (`\x61` would also match `A`).
 */
export function percentSpellings(name: string): string {
  if (!isUnreserved(name)) throw new CanonicalError('ERR_INVALID_ARGUMENT', 'name must be non-empty and only A-Z a-z 0-9 - . _ ~');
  let source = '';
  for (let i = 0; i < name.length; i++) {
    const hex = (name.charCodeAt(i) + 256).toString(16);
    source += `(?:\\x${hex[1]}${hex[2]}|%${hex[1]}[${hex[2]}${hex[2]!.toUpperCase()}])`;
  }
  return source;
}

/** `name=value` pairs joined with `&`, each name and value a string. */
function pairsOf(params: unknown): string {
  if (!Array.isArray(params)) throw new CanonicalError('ERR_INVALID_ARGUMENT', 'params must be a string or an array of [name, value]');
  let out = '';
  for (let i = 0; i < params.length; i++) {
    const pair: unknown = params[i];
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new CanonicalError('ERR_INVALID_ARGUMENT', 'each of params must be a [name, value] pair of strings');
    }
    out += `${i === 0 ? '' : '&'}${pair[0]}=${pair[1]}`;
  }
  return out;
}

/** The inverse of {@link parseQuery} without decoding: joins the raw pairs with `&`. */
export function serializeQuery(params: ReadonlyArray<QueryParam>): string {
  if (!Array.isArray(params)) throw new CanonicalError('ERR_INVALID_ARGUMENT', 'params must be an array of { name, value }');
  let out = '';
  for (let i = 0; i < params.length; i++) {
    const p: unknown = params[i];
    assertObject(p, 'each of params');
    const { name, value } = p as { name: unknown; value: unknown };
    if (typeof name !== 'string' || (value !== null && typeof value !== 'string')) {
      throw new CanonicalError('ERR_INVALID_ARGUMENT', 'each of params must have a string name and a string or null value');
    }
    out += `${i === 0 ? '' : '&'}${value === null ? name : `${name}=${value}`}`;
  }
  return out;
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch (cause) {
    throw new CanonicalError('ERR_QUERY_ENCODING', 'The query has a malformed percent-escape', { cause });
  }
}
