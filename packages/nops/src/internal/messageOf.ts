import {
  appendQuery,
  assertObject,
  encodeNonAscii,
  formatUrl,
  parseQuery,
  parseReceivedTarget,
  parseRequestTarget,
} from '@reqsign/canonical';
import { NopsError, invalidArgument } from '../errors.js';
import type { ApiKeyIn, DateInput } from '../types.js';
import { clientIdOf } from './apiKey.js';
import { dayOf } from './day.js';

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

const noSlash = (): never => {
  throw new NopsError('ERR_NOPS_TRAILING_SLASH', 'The path does not end in "/", which nOps requires');
};

/**
 * The message of a request, for both sides, with their checks in one order (docs/spec/nops.md): the options, the API
 * key (`ERR_NOPS_API_KEY`), the URL (`ERR_TARGET_*`), the trailing slash (`ERR_NOPS_TRAILING_SLASH`), the `api_key`
 * parameter (`ERR_NOPS_API_KEY_PARAM`), the day. Non-ASCII characters are percent-encoded as UTF-8, the form in which
 * they travel; all else stays as given.
 *
 * `sign` builds what a well-behaved client sends: the slash added (or refused), no `api_key` in the URL, then, in
 * query form, `api_key=<key>` appended. `received` checks a request as a server got it: its URL read as received
 * (a leading `//` starts a path), nothing added or corrected, in query form ending with `api_key=<key>` once, in
 * header form with no `api_key` at all.
 */
export function messageOf(url: string, parts: MessageParts, side: 'sign' | 'received'): NopsMessage {
  assertObject(parts, side === 'sign' ? 'options' : 'input', NopsError);
  const apiKeyIn = apiKeyInOf(parts.apiKeyIn);
  const slash = side === 'received' ? 'reject' : (parts.trailingSlash ?? 'add');
  if (slash !== 'add' && slash !== 'reject') invalidArgument('trailingSlash must be "add" or "reject"');
  const apiKey = parts.apiKey;
  const clientId = clientIdOf(apiKey);

  const target = (side === 'sign' ? parseRequestTarget : parseReceivedTarget)(url);
  let path = encodeNonAscii(target.path);
  const query = target.query === null ? null : encodeNonAscii(target.query);
  if (!path.endsWith('/')) {
    if (slash === 'reject') noSlash();
    path += '/';
  }
  // Only a query that mentions api_key can hold it: most never need splitting.
  const params = query === null || !query.includes('api_key') ? [] : parseQuery(query);
  const keyed = params.filter((p) => p.name === 'api_key').length;
  if (side === 'sign' && keyed > 0) {
    // In either form: a key in the header and another in the query would be ambiguous.
    throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'The URL already has an api_key parameter; pass the key as apiKey only');
  }
  if (side === 'received' && apiKeyIn === 'header' && keyed > 0) {
    throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In header form the URL must not carry an api_key parameter');
  }
  if (side === 'received' && apiKeyIn === 'query') {
    const last = params[params.length - 1];
    if (keyed !== 1 || last?.name !== 'api_key' || last.value !== apiKey) {
      throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In query form the URL must end with the api_key parameter, once');
    }
  }
  if (side === 'received' && parts.date === undefined) invalidArgument('date is required to verify a request');
  const day = dayOf(parts.date, parts.timeZone);

  const base = query === null ? path : `${path}?${query}`;
  const signed = side === 'sign' && apiKeyIn === 'query' ? appendQuery(base, `api_key=${apiKey}`) : base;
  return {
    url: formatUrl(target, signed),
    target: signed,
    message: `${clientId}.${day}.${signed}`,
    headers: apiKeyIn === 'query' ? {} : { 'x-nops-api-key': apiKey },
  };
}
