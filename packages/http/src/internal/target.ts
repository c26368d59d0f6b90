import { NogError } from '@reqsign/nog';

/** Checks a `mountPrefix` option: `''`/undefined for none, else `/segment...` without a trailing slash. */
export function checkMountPrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') throw new NogError('ERR_INVALID_ARGUMENT', 'mountPrefix must be a string');
  if (!prefix.startsWith('/') || prefix.endsWith('/') || /[?#\s]/.test(prefix)) {
    throw new NogError('ERR_OPTION_RANGE', 'mountPrefix must start with / and end without / (e.g. /api)');
  }
  return prefix;
}

/**
 * The targets the client may have signed, given the prefix a proxy stripped: `/blobs?x` was `/api/blobs?x`. When the
 * proxy forwarded the bare root (`/` or `/?q`), the client sent either `/api/` or `/api` (nginx and Hono's `mount`
 * map both to `/`), so both are candidates, the first one first. Only one of them can match a signature.
 */
export function withPrefix(prefix: string, target: string): string[] {
  if (prefix === '') return [target];
  // An absolute-form request line (`GET http://h/p HTTP/1.1`, which Node passes on as it came): the prefix goes in
  // front of its path, as for a fetch-API Request's URL. Any other target that is no path (`*`) is left as it is.
  if (!target.startsWith('/')) return withPrefixInUrl(prefix, target);
  if (target === '/' || target.startsWith('/?')) return [prefix + target, prefix + target.slice(1)];
  return [prefix + target];
}

/**
 * {@link withPrefix} for an absolute URL (a fetch-API `Request`'s, or an absolute-form request line): the prefix goes
 * in front of its path, which is `/` when the URL has none (`http://h?q`, as HTTP sends it). The URL is otherwise
 * handed on as it is, for the verifier to read.
 */
export function withPrefixInUrl(prefix: string, url: string): string[] {
  if (prefix === '') return [url];
  const authority = url.indexOf('//');
  if (authority === -1) return [url];
  const end = url.slice(authority + 2).search(/[/?#]/);
  const path = end === -1 ? url.length : authority + 2 + end;
  const origin = url.slice(0, path);
  const rest = url.slice(path);
  return withPrefix(prefix, rest.startsWith('/') ? rest : `/${rest}`).map((target) => origin + target);
}

/** Replaces the query of a target (origin-form or absolute) by `query` (`null`: no `?` at all). */
export function replaceQuery(url: string, query: string | null): string {
  const hash = url.indexOf('#');
  const bare = hash === -1 ? url : url.slice(0, hash);
  const question = bare.indexOf('?');
  const path = question === -1 ? bare : bare.slice(0, question);
  return query === null ? path : `${path}?${query}`;
}
