import { CanonicalError, assertObject, assertString } from './errors.js';

/** The parts of a URL that a signer needs, each exactly as given. */
export interface RequestTarget {
  /** `absolute` for `http(s)://authority/...`, `origin` for a target that starts with `/`. */
  readonly form: 'absolute' | 'origin';
  /** `scheme://authority` exactly as given for the absolute form (userinfo, port, IPv6 brackets kept), else `''`. */
  readonly origin: string;
  /** Path and query as sent on the request line: `path` plus `?query` when there is a query. */
  readonly target: string;
  /** The path, starting with `/`. An absolute URL with an empty path has the path `/`, as HTTP sends it. */
  readonly path: string;
  /** The query without its `?`; `''` for a bare `?`; `null` when there is no `?` at all. */
  readonly query: string | null;
  /** The fragment without its `#`, `null` when there is none. Never part of the target: it is not sent. */
  readonly fragment: string | null;
}

export interface RequestTargetOptions {
  /**
   * The longest URL accepted, in UTF-16 code units (default 8192, the common server limit): of what is sent, up to
   * the first `#`, for a URL to sign (its fragment is never sent); of the whole input for a received target (which
   * should hold no `#` at all: the limit bounds a verifier's work on what the network sends).
   */
  readonly maxLength?: number;
}

/** The default limit on the length of a URL: 8 KiB, what nginx and most servers accept on a request line. */
export const DEFAULT_MAX_URL_LENGTH = 8192;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// What may stand in a request line: anything but space, C0 controls and DEL. A whole-string match of the allowed
// characters runs about twice as fast in V8 as a search for a forbidden one.
const ALLOWED = /^[\u0021-\u007e\u0080-\uffff]*$/;

/**
 * Splits an absolute `http(s)` URL or an origin-form target (`/path?query`) into origin, target and fragment, with
 * every byte kept as given: no percent-encoding or decoding, no dot-segment removal, no re-ordering.
 *
 * Throws a {@link CanonicalError} for what cannot be an HTTP request target: `ERR_TARGET_EMPTY`,
 * `ERR_TARGET_TOO_LONG`, `ERR_TARGET_CHARACTER` (space or control character), `ERR_TARGET_SCHEME` (not http or
 * https), `ERR_TARGET_FORM` (neither `scheme://` nor a leading `/`, or a scheme-relative `//host/path`, which names
 * no scheme), `ERR_TARGET_HOST` (empty host, or a `\` in the authority, where WHATWG URL parsers end it).
 */
export function parseRequestTarget(url: string, options?: RequestTargetOptions): RequestTarget {
  return parse(url, options, false);
}

/**
 * The same as {@link parseRequestTarget} for the target of a request a server received: its request line holds
 * either an origin-form target, where a leading `//` starts a path whose first segment is empty
 * (`GET //a/b HTTP/1.1`), not a host, or an absolute URL (absolute-form, as sent to proxies). What a verifier is given.
 */
export function parseReceivedTarget(target: string, options?: RequestTargetOptions): RequestTarget {
  return parse(target, options, true);
}

/**
 * The target as sent (path and query, without the fragment) of a URL a server received, or `null` where
 * {@link parseReceivedTarget} throws a `ERR_TARGET_*` code: the same checks, for a verifier's hot path, with no parts
 * object and no exception for what the network sent. An origin-form target is read in one pass. Throws
 * `ERR_INVALID_ARGUMENT` for a `url` that is not a string or a `maxLength` that is not a positive integer.
 */
export function receivedTargetOf(url: string, maxLength: number = DEFAULT_MAX_URL_LENGTH): string | null {
  assertString(url, 'url');
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'maxLength must be a whole number from 1 to 2^53 - 1');
  }
  if (url.charCodeAt(0) === 0x2f /* / */ && url.length <= maxLength && ALLOWED.test(url)) {
    const hash = url.indexOf('#');
    return hash === -1 ? url : url.slice(0, hash);
  }
  try {
    return parse(url, { maxLength }, true).target;
  } catch {
    return null;
  }
}

function parse(url: string, options: RequestTargetOptions | undefined, received: boolean): RequestTarget {
  assertString(url, 'url');
  const maxLength = options?.maxLength ?? DEFAULT_MAX_URL_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'maxLength must be a whole number from 1 to 2^53 - 1');
  }
  if (url.length === 0) throw new CanonicalError('ERR_TARGET_EMPTY', 'The URL is empty');
  const hash = url.indexOf('#');
  // A URL to sign is measured without its fragment, which is never sent: up to its first `#` (with none, `>>> 0` makes
  // the -1 the largest length).
  if (url.length > maxLength && (received || hash >>> 0 > maxLength)) {
    throw new CanonicalError('ERR_TARGET_TOO_LONG', 'The URL is longer than the limit');
  }
  if (!ALLOWED.test(url)) {
    throw new CanonicalError('ERR_TARGET_CHARACTER', 'The URL contains a space or a control character');
  }

  const beforeFragment = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? null : url.slice(hash + 1);

  let origin = '';
  let target: string;
  if (beforeFragment.startsWith('/')) {
    if (!received && beforeFragment.startsWith('//')) {
      throw new CanonicalError('ERR_TARGET_FORM', 'A scheme-relative URL (//host) is not a request target');
    }
    target = beforeFragment;
  } else {
    // The scheme's length (up to and with its ':'): http and https read by char codes, any other by the pattern.
    const schemeEnd = httpSchemeEnd(beforeFragment);
    if (schemeEnd === -1) {
      const scheme = SCHEME.exec(beforeFragment);
      if (scheme === null) {
        throw new CanonicalError('ERR_TARGET_FORM', 'The URL is neither absolute (http://...) nor starts with /');
      }
      throw new CanonicalError('ERR_TARGET_SCHEME', 'Only http and https URLs can be signed');
    }
    if (beforeFragment.charCodeAt(schemeEnd) !== 0x2f || beforeFragment.charCodeAt(schemeEnd + 1) !== 0x2f) {
      throw new CanonicalError('ERR_TARGET_FORM', 'An absolute URL must have an authority (scheme://host)');
    }
    // The authority ends at the first / or ? after the //, and its host follows its last @ (userinfo@). Native
    // indexOf scans: a loop over char codes and a lastIndexOf (which V8 runs outside optimized code) cost twice as
    // much as the rest of the parse.
    const from = schemeEnd + 2;
    let end = beforeFragment.indexOf('/', from);
    if (end === -1) end = beforeFragment.length;
    const question = beforeFragment.indexOf('?', from);
    if (question !== -1 && question < end) end = question;
    let host = from;
    for (let at = beforeFragment.indexOf('@', from); at !== -1 && at < end; at = beforeFragment.indexOf('@', host)) host = at + 1;
    // The host is neither empty nor only a :port.
    if (host === end || beforeFragment.charCodeAt(host) === 0x3a /* : */) {
      throw new CanonicalError('ERR_TARGET_HOST', 'The URL has an empty host');
    }
    // No `\` in the authority: WHATWG URL parsers (fetch, browsers) end an http(s) authority there as at a `/`, so
    // the host and target they send would not be these (`http://h\p` goes to h as `/p`). Searched backwards from
    // the authority's end: only the scheme and authority are read, however long the rest.
    if (beforeFragment.lastIndexOf('\\', end - 1) >= from) {
      throw new CanonicalError('ERR_TARGET_HOST', 'The URL has a backslash in its authority');
    }
    origin = beforeFragment.slice(0, end);
    target = beforeFragment.slice(end);
    // An empty path is sent as "/" (RFC 9112, 3.2.1): sign what goes on the wire.
    if (!target.startsWith('/')) target = `/${target}`;
  }

  const q = target.indexOf('?');
  return {
    form: origin === '' ? 'origin' : 'absolute',
    origin,
    target,
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? null : target.slice(q + 1),
    fragment,
  };
}

/** The index after `http:` or `https:` (any case) at the start of `url`, or -1. */
function httpSchemeEnd(url: string): number {
  let head = url.slice(0, 6);
  // Lower-cased only when it is no lower-case scheme already: the usual URL costs no toLowerCase.
  if (head !== 'https:' && !head.startsWith('http:')) head = head.toLowerCase();
  return head === 'https:' ? 6 : head.startsWith('http:') ? 5 : -1;
}

/** Puts a URL back together from a parsed target and a new target: `origin + target + #fragment`. */
export function formatUrl(parts: Pick<RequestTarget, 'origin' | 'fragment'>, target: string): string {
  assertObject(parts, 'parts');
  const { origin, fragment } = parts;
  assertString(origin, 'parts.origin');
  if (fragment !== null) assertString(fragment, 'parts.fragment');
  assertString(target, 'target');
  return fragment === null ? origin + target : `${origin}${target}#${fragment}`;
}
