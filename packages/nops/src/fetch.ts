import { assertObject, resendable } from '@reqsign/canonical';
import { NopsError, invalidArgument } from './errors.js';
import { clientIdOf } from './internal/apiKey.js';
import { apiKeyInOf } from './internal/messageOf.js';
import type { SignCrypto } from './internal/provider.js';
import { signWith } from './sign.js';
import type { ApiKeyIn, PrivateKeyInput } from './types.js';

/** The nOps API's base URL. */
export const DEFAULT_BASE_URL = 'https://app.nops.io';

export interface NopsFetchOptions {
  readonly apiKey: string;
  readonly privateKey: PrivateKeyInput;
  /**
   * What relative URLs are resolved against (default `https://app.nops.io`). Requests are sent only to its origin:
   * any other is `ERR_NOPS_ORIGIN`, since the API key and a valid signature travel with each request.
   */
  readonly baseUrl?: string | URL | undefined;
  /** The fetch to call (default: the global `fetch`, looked up at each call). */
  readonly fetch?: ((input: string, init?: RequestInit) => Promise<Response>) | undefined;
  /** `query` (default) or `header`, as in `sign`. */
  readonly apiKeyIn?: ApiKeyIn | undefined;
  /** The IANA time zone whose day is signed (default UTC). */
  readonly timeZone?: string | undefined;
  /** `add` (default) or `reject` a missing trailing slash, as in `sign`. */
  readonly trailingSlash?: 'add' | 'reject' | undefined;
  /**
   * Milliseconds to add to this machine's clock for the day that is signed (default 0): the server's time minus
   * this client's, for a client whose clock is off around midnight.
   */
  readonly clockOffset?: number | undefined;
}

/** A fetch-compatible function that signs each request when it is sent. */
export type NopsFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A fetch that signs every request at send time, relative URLs resolved against `baseUrl`. */
export type CreateNopsFetchFunction = (options: NopsFetchOptions) => NopsFetch;

/** Binds `createNopsFetch` to the signing part of a crypto provider. */
export function createNopsFetchWith(crypto: SignCrypto): CreateNopsFetchFunction {
  const sign = signWith(crypto);
  return (options) => createNopsFetch(sign, options);
}

function createNopsFetch(sign: ReturnType<typeof signWith>, options: NopsFetchOptions): NopsFetch {
  assertObject(options, 'options', NopsError);
  const { apiKey, privateKey, timeZone, trailingSlash } = options;
  clientIdOf(apiKey);
  const apiKeyIn = apiKeyInOf(options.apiKeyIn);
  // timeZone is checked by sign, at the first request.
  if (options.fetch !== undefined && typeof options.fetch !== 'function') invalidArgument('fetch must be a function');
  const { clockOffset = 0 } = options;
  if (!Number.isFinite(clockOffset)) invalidArgument('clockOffset must be a finite number');
  let base: URL;
  try {
    base = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
  } catch {
    return invalidArgument('baseUrl must be an absolute URL');
  }

  return async (input, init) => {
    let url: string;
    let requestInit: RequestInit;
    let headers: Headers;
    try {
      if (typeof Request !== 'undefined' && input instanceof Request) {
        // The URL of a Request cannot be changed: carry its parts over, the body read into memory.
        const request = init === undefined ? input : new Request(input, init);
        url = request.url;
        requestInit = await resendable(request);
      } else {
        // fetch sends the URL as the URL parser writes it (dot segments removed, non-ASCII escaped): sign that.
        url = new URL(input as string | URL, base).href;
        requestInit = init ?? {};
      }
      headers = new Headers(requestInit.headers);
    } catch (cause) {
      // The URL, Request and Headers constructors' TypeErrors: what fetch itself would refuse.
      throw new NopsError('ERR_INVALID_ARGUMENT', 'input must be a URL or a Request, init a RequestInit that fits it', { cause });
    }
    // The API key and a valid signature travel with the request: never to a host the caller did not configure
    // (a relative "//other.host/" or "/\\other.host/" would otherwise leave baseUrl's origin).
    if (new URL(url).origin !== base.origin) {
      throw new NopsError('ERR_NOPS_ORIGIN', 'Not the origin of baseUrl; nothing was sent');
    }
    const signed = await sign(url, { apiKey, privateKey, apiKeyIn, timeZone, trailingSlash, date: new Date(Date.now() + clockOffset) });
    for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value);
    // The global fetch is looked up at each call (a test or polyfill may replace it).
    return (options.fetch ?? fetch)(signed.url, { ...requestInit, headers });
  };
}
