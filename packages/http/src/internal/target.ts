import { parseRequestTarget } from '@reqsign/canonical';
import { NogError } from '@reqsign/nog';

/**
 * The request target (path and query) of a fetch-API `Request`'s absolute URL, bytes as given. A `#fragment` stays:
 * a browser never sends one, so one in a server's Request came in the request line, and the verifier must see it
 * (a signature followed by anything is `ERR_AUTH_SIG_INVALID`). A URL that is no request target is returned as it
 * is, for the verifier to refuse (`ERR_AUTH_MALFORMED`); the length limit is the verifier's (`maxUrlLength`).
 */
export function targetOf(url: string): string {
  try {
    const parts = parseRequestTarget(url, { maxLength: Number.MAX_SAFE_INTEGER });
    return parts.fragment === null ? parts.target : `${parts.target}#${parts.fragment}`;
  } catch {
    return url;
  }
}

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
  if (target === '/' || target.startsWith('/?')) return [prefix + target, prefix + target.slice(1)];
  return [prefix + target];
}

/** Replaces the query of a target (origin-form or absolute) by `query` (`null`: no `?` at all). */
export function replaceQuery(url: string, query: string | null): string {
  const hash = url.indexOf('#');
  const bare = hash === -1 ? url : url.slice(0, hash);
  const question = bare.indexOf('?');
  const path = question === -1 ? bare : bare.slice(0, question);
  return query === null ? path : `${path}?${query}`;
}
