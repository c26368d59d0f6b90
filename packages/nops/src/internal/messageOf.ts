import { assertObject, encodeNonAscii, formatUrl, percentSpellings, type RequestTarget } from '@reqsign/canonical';
import { NopsError, invalidArgument } from '../errors.js';
import type { ApiKeyIn, DateInput } from '../types.js';
import { clientIdOf } from './apiKey.js';

/** What, besides its URL, a request's nOps message is made of: the options of `sign`, the request of `verify`. */
export interface MessageParts {
  /** The nOps API key, `<client id>.<secret part>`. */
  readonly apiKey: string;
  /** The day to sign: a `Date` (its day in `timeZone`) or `YYYY-MM-DD` as given. Default when signing: now. */
  readonly date?: DateInput | undefined;
  /** IANA time zone for the day of a `Date` (default `UTC`; nOps does not document one). */
  readonly timeZone?: string | undefined;
  /** `query` (default, documented): `api_key=<key>` is appended and signed. `header`: `X-Nops-Api-Key`. */
  readonly apiKeyIn?: ApiKeyIn | undefined;
  /** Signing only: add a missing trailing slash (default) or refuse it. A verifier never adds one. */
  readonly trailingSlash?: 'add' | 'reject' | undefined;
}

/** The nOps message of a request, and what is sent with it. */
export interface NopsMessage {
  /** The URL to request: the input with the slash added and, in query form, `api_key=<key>` appended. */
  readonly url: string;
  /** Path and query exactly as sent (the signed target). */
  readonly target: string;
  /** `<client id>.<YYYY-MM-DD>.<target>`, the string whose UTF-8 bytes are signed. */
  readonly message: string;
  /** The headers to send besides the signature: `x-nops-api-key` in header form, none in query form. */
  readonly headers: Readonly<Record<string, string>>;
}

export function apiKeyInOf(value: unknown): ApiKeyIn {
  if (value === undefined || value === 'query') return 'query';
  if (value === 'header') return 'header';
  return invalidArgument('apiKeyIn must be "query" or "header"');
}

/** How one side reads a request: the part of the rules in which a signer and a verifier differ. */
export interface Side {
  /** What the parts are called in messages: `options` (sign) or `input` (verify). */
  readonly name: string;
  /** Reads the URL: a signer's (`//host/p` names no scheme) or a received target (`//a/` is a path). */
  readonly parse: (url: string) => RequestTarget;
  /** What to do with a path without its trailing slash (a verifier never adds one). */
  readonly slash: (parts: MessageParts) => 'add' | 'reject';
  /**
   * Checks the `api_key` parameters of the query (as sent, non-ASCII encoded), and returns the target; a signer also
   * checks that the URL as sent (`origin` and the target) fits the limit.
   */
  readonly target: (base: string, query: string | null, apiKey: string, apiKeyIn: ApiKeyIn, origin: string) => string;
  /** The `YYYY-MM-DD` day of the date and zone given (`dayOf`; a verifier's remembers the last valid day). */
  readonly day: (date: unknown, timeZone: unknown) => string;
}

/**
 * The message of a request with the checks in one order, for both sides (docs/spec/nops.md): the options, the API
 * key (`ERR_NOPS_API_KEY`), the URL (`ERR_TARGET_*`), the trailing slash (`ERR_NOPS_TRAILING_SLASH`), the `api_key`
 * parameter (`ERR_NOPS_API_KEY_PARAM`), the day. Non-ASCII characters are percent-encoded as UTF-8, the form in which
 * they travel; all else stays as given. Where the two sides differ is their {@link Side}: `SIGNING` in message.ts,
 * `RECEIVED` in internal/received.ts (apart, so that a bundle of `sign` carries no verification rules).
 */
export function messageOf(url: string, parts: MessageParts, side: Side): NopsMessage {
  assertObject(parts, side.name, NopsError);
  const apiKeyIn = apiKeyInOf(parts.apiKeyIn);
  const slash = side.slash(parts);
  if (slash !== 'add' && slash !== 'reject') invalidArgument('trailingSlash must be "add" or "reject"');
  const apiKey = parts.apiKey;
  const clientId = clientIdOf(apiKey);

  const target = side.parse(url);
  // The target as sent, encoded in one scan (encodeNonAscii returns its input when there is nothing to encode, the
  // usual case), then split at its first '?', which encoding leaves where it was.
  const wire = encodeNonAscii(target.target);
  const q = wire.indexOf('?');
  let path = q < 0 ? wire : wire.slice(0, q);
  const query = q < 0 ? null : wire.slice(q + 1);
  if (!path.endsWith('/')) {
    if (slash === 'reject') throw new NopsError('ERR_NOPS_TRAILING_SLASH', 'The path does not end in "/", which nOps requires');
    path += '/';
  }
  const base = query === null ? path : `${path}?${query}`;
  const signed = side.target(base, query, apiKey, apiKeyIn, target.origin);
  const day = side.day(parts.date, parts.timeZone);
  return {
    url: formatUrl(target, signed),
    target: signed,
    message: `${clientId}.${day}.${signed}`,
    headers: apiKeyIn === 'query' ? {} : { 'x-nops-api-key': apiKey },
  };
}

/**
 * A query segment whose name percent-decodes to `api_key`, at the query's start or after a `&`: each character as
 * itself or as `%XX` (either case of hex digit), as a server that decodes names reads it (`api%5Fkey`), then `=`, `&`
 * or the end; canonical's `percentSpellings`, the rule nog-v1's signer and verifier use for their auth names. A
 * malformed escape decodes to no name, so it never matches. Each alternative is fixed, so one pass over a query is
 * linear, with no decoding and no exception (decodeURIComponent on a segment of `%&%&...` throws once a segment, a
 * hundred times the cost).
 */
const API_KEY_NAME = /* @__PURE__ */ new RegExp(`(?:^|&)${percentSpellings('api_key')}(?==|&|$)`, 'g');

/**
 * How many parameters of a query (as sent) are named `api_key`, under any spelling of the name: an encoded one is a
 * second key to a server that decodes names. Linear: one pass of {@link API_KEY_NAME}.
 */
export const apiKeyCount = (query: string | null): number => (query === null ? 0 : (query.match(API_KEY_NAME)?.length ?? 0));
