import { appendQuery, encodeNonAscii, formatUrl, parseQuery, parseRequestTarget } from '@reqsign/canonical';
import { NopsError, invalidArgument } from './errors.js';
import { clientIdOf } from './internal/apiKey.js';
import { dayOf } from './internal/day.js';
import type { ApiKeyIn, DateInput } from './types.js';

export interface MessageOptions {
  /** The nOps API key, `<client id>.<secret part>`. */
  readonly apiKey: string;
  /** The day to sign: a `Date` (its day in `timeZone`) or `YYYY-MM-DD` as given. Default: now. */
  readonly date?: DateInput | undefined;
  /** IANA time zone for the day of a `Date` (default `UTC`; nOps does not document one). */
  readonly timeZone?: string | undefined;
  /** `query` (default, documented): `api_key=<key>` is appended and signed. `header`: `X-Nops-Api-Key`. */
  readonly apiKeyIn?: ApiKeyIn | undefined;
  /** A path without its trailing `/`: `add` it (default) or `reject` with `ERR_NOPS_TRAILING_SLASH`. */
  readonly trailingSlash?: 'add' | 'reject' | undefined;
}

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

/** Checks an options object and returns it, so that `options.x` cannot throw on `null`. */
export function optionsObject<T>(options: T, name: string): T {
  if (typeof options !== 'object' || options === null) invalidArgument(`${name} must be an object`);
  return options;
}

export function apiKeyInOf(value: unknown): ApiKeyIn {
  if (value === undefined || value === 'query') return 'query';
  if (value === 'header') return 'header';
  return invalidArgument('apiKeyIn must be "query" or "header"');
}

/**
 * Builds the nOps message for a request without signing it: what `sign` signs, for inspection or for signing
 * elsewhere (`printf %s "$message" | openssl dgst -sha256 -sign key.pem | base64 -w0`).
 *
 * Checks, in this order: the options' types, the API key (`ERR_NOPS_API_KEY`), the URL (`ERR_TARGET_*`), the
 * trailing slash, an `api_key` parameter already in the URL (`ERR_NOPS_API_KEY_PARAM`), the date.
 * Non-ASCII characters are percent-encoded as UTF-8, the form in which they travel; all else stays as given.
 */
export function buildMessage(url: string, options: MessageOptions): NopsMessage {
  optionsObject(options, 'options');
  const apiKeyIn = apiKeyInOf(options.apiKeyIn);
  const slash = options.trailingSlash ?? 'add';
  if (slash !== 'add' && slash !== 'reject') invalidArgument('trailingSlash must be "add" or "reject"');
  const apiKey = options.apiKey;
  const clientId = clientIdOf(apiKey);

  const parts = parseRequestTarget(url);
  let path = encodeNonAscii(parts.path);
  const query = parts.query === null ? null : encodeNonAscii(parts.query);
  if (!path.endsWith('/')) {
    if (slash === 'reject') {
      throw new NopsError('ERR_NOPS_TRAILING_SLASH', 'The path does not end in "/", which nOps requires');
    }
    path += '/';
  }
  if (query !== null && query.length > 0 && hasApiKeyParam(query)) {
    throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'The URL already has an api_key parameter; pass the key as apiKey only');
  }
  const day = dayOf(options.date, options.timeZone);

  const base = query === null ? path : `${path}?${query}`;
  const target = apiKeyIn === 'query' ? appendQuery(base, `api_key=${apiKey}`) : base;
  return {
    url: formatUrl(parts, target),
    target,
    message: `${clientId}.${day}.${target}`,
    headers: apiKeyIn === 'query' ? {} : { 'x-nops-api-key': apiKey },
  };
}

function hasApiKeyParam(query: string): boolean {
  return query.includes('api_key') && parseQuery(query).some((p) => p.name === 'api_key');
}
