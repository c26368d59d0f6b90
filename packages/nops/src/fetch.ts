import {
  assertObject,
  assertOptionNames,
  formatDay,
  resendable,
  retryOn503With,
  sendWithRetries,
  type RetryOptions,
  type RetryStrategy,
} from '@reqsign/canonical';
import { NopsError, invalidArgument } from './errors.js';
import { clientIdOf } from './internal/apiKey.js';
import { classifyKey } from './internal/keyInput.js';
import { apiKeyInOf } from './internal/messageOf.js';
import type { SignCrypto } from './internal/provider.js';
import { signWith } from './sign.js';
import type { ApiKeyIn, PrivateKeyInput } from './types.js';

/** The nOps API's base URL. */
export const DEFAULT_BASE_URL = 'https://app.nops.io';

/**
 * A function that gives a key (a rotated one, one from a vault), sync or async: called once per request (its retries
 * use the same), so cache in it what is costly to fetch. Throwing or rejecting makes that request reject with
 * `ERR_KEY_PROVIDER`, the provider's error as `cause`.
 */
export type KeyProvider<T> = () => T | Promise<T>;

export interface NopsFetchOptions {
  /** The API key, checked here; or a {@link KeyProvider} of it, whose key is checked when a request is signed. */
  readonly apiKey: string | KeyProvider<string>;
  /**
   * The private key, as `sign` takes it; a static key's form is checked here (and, with node:crypto, the key
   * itself). Or a {@link KeyProvider} of it, whose key is checked when a request is signed with it.
   */
  readonly privateKey: PrivateKeyInput | KeyProvider<PrivateKeyInput>;
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
   * this client's, for a client whose clock is off around midnight. The fetch corrects it itself (`correctClock`);
   * the offset in use is `nopsFetch.clockOffset`.
   */
  readonly clockOffset?: number | undefined;
  /**
   * Sign again on the server's day (default true). nOps documents no error code for a wrong day, so: a 401 or 403
   * whose `Date` header falls on another day (in `timeZone`) than the day signed is signed again on the server's
   * clock and sent once more, never a second time for the same request; when that `Date` is more than 2 seconds
   * from this client's clock (offset included), the difference becomes the offset for later requests too.
   */
  readonly correctClock?: boolean | undefined;
  /**
   * When to send a request again besides the day (none by default): `retryOn503()` retries a 503 after its
   * `Retry-After`, or a {@link RetryStrategy} of your own. Each retry is signed afresh; the request's `signal` ends a
   * wait at once, rejecting with its reason. A body given as a `ReadableStream` is sent as it comes and cannot be sent
   * twice: such a request is never sent again, its response is returned whatever it is.
   */
  readonly retry?: RetryStrategy | undefined;
}

/** A fetch-compatible function that signs each request when it is sent. */
export type NopsFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  /** The milliseconds added to this machine's clock when signing: `clockOffset`, or what a server's `Date` taught it. */
  readonly clockOffset: number;
};

/**
 * The retry of a 503 (for `createNopsFetch`'s `retry`): up to `attempts` sends in all (default 3, at most 10), each
 * retry after the response's `Retry-After` (seconds or an HTTP-date) or, without one, a random part of 100 * 2^n ms
 * (n the retry); never longer than `maxDelayMs` (default 20000): a 503 that asks for longer is returned as it is. Not
 * bundled unless imported.
 */
export const retryOn503: (options?: RetryOptions) => RetryStrategy = /* @__PURE__ */ retryOn503With(NopsError);

/** How far a server's `Date` must be from the signing clock to be kept as the offset (a `Date` has whole seconds). */
const CLOCK_THRESHOLD_MS = 2000;

/** Calls a key provider: its failure becomes `ERR_KEY_PROVIDER`, with the provider's error as the cause. */
async function provided<T>(provider: KeyProvider<T>, name: string): Promise<T> {
  try {
    return await provider();
  } catch (cause) {
    throw new NopsError('ERR_KEY_PROVIDER', `The ${name} provider threw or rejected (see cause)`, { cause });
  }
}

/** Whether a body can only be read once: a stream, given as it is (a Request's body is read into memory). */
const isStream = (body: unknown): boolean => typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/** A fetch that signs every request at send time, relative URLs resolved against `baseUrl`. */
export type CreateNopsFetchFunction = (options: NopsFetchOptions) => NopsFetch;

/** The options `createNopsFetch` takes: any other name is refused (a misspelt option would be ignored silently). */
const FETCH_OPTION_NAMES: readonly string[] = [
  'apiKey',
  'privateKey',
  'baseUrl',
  'fetch',
  'apiKeyIn',
  'timeZone',
  'trailingSlash',
  'clockOffset',
  'correctClock',
  'retry',
];

/** Binds `createNopsFetch` to the signing part of a crypto provider. */
export function createNopsFetchWith(crypto: SignCrypto): CreateNopsFetchFunction {
  const sign = signWith(crypto);
  return (options) => createNopsFetch(sign, crypto, options);
}

function createNopsFetch(sign: ReturnType<typeof signWith>, crypto: SignCrypto, options: NopsFetchOptions): NopsFetch {
  assertObject(options, 'options', NopsError);
  assertOptionNames(options, FETCH_OPTION_NAMES, 'createNopsFetch', NopsError);
  const { apiKey, privateKey, timeZone, trailingSlash } = options;
  if (typeof apiKey !== 'function') clientIdOf(apiKey);
  if (typeof privateKey !== 'function') {
    // A static key is checked now, not at the first request: its form here, the key itself where the import is
    // synchronous (node:crypto). WebCrypto's import is a promise: it is started (and cached), its failure waits for
    // the first request, which rejects with it.
    classifyKey(privateKey, 'private');
    const pending = crypto.key(privateKey, 'private');
    if (pending instanceof Promise) pending.catch(() => {});
  }
  const apiKeyIn = apiKeyInOf(options.apiKeyIn);
  // timeZone is checked by sign, at the first request.
  if (options.fetch !== undefined && typeof options.fetch !== 'function') invalidArgument('fetch must be a function');
  let clockOffset = options.clockOffset ?? 0;
  if (!Number.isFinite(clockOffset)) invalidArgument('clockOffset must be a finite number');
  const { correctClock = true, retry } = options;
  if (typeof correctClock !== 'boolean') invalidArgument('correctClock must be a boolean');
  if (retry !== undefined && typeof retry !== 'function') invalidArgument('retry must be a function (retryOn503())');
  let base: URL;
  try {
    base = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
  } catch {
    return invalidArgument('baseUrl must be an absolute URL');
  }

  const nopsFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
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
    const key = typeof apiKey === 'function' ? await provided(apiKey, 'apiKey') : apiKey;
    const secret = typeof privateKey === 'function' ? await provided(privateKey, 'privateKey') : privateKey;
    /** The offset of the next send: the client's, or for a retry on the server's day, the server's. */
    let sendOffset: number | null = null;
    let signedDay = '';
    return sendWithRetries({
      Err: NopsError,
      async send() {
        const date = new Date(Date.now() + (sendOffset ?? clockOffset));
        const signed = await sign(url, { apiKey: key, privateKey: secret, apiKeyIn, timeZone, trailingSlash, date });
        signedDay = formatDay(date, timeZone);
        const sent = new Headers(headers);
        for (const [name, value] of Object.entries(signed.headers)) sent.set(name, value);
        // The global fetch is looked up at each call (a test or polyfill may replace it).
        return (options.fetch ?? fetch)(signed.url, { ...requestInit, headers: sent });
      },
      canResend: !isStream(requestInit.body),
      signal: requestInit.signal,
      retry,
      async clockRetry(response) {
        const serverMs = Date.parse(response.headers.get('date')!);
        // NaN (no Date, or not a date) is never another day.
        const { status } = response;
        if (!correctClock || (status !== 401 && status !== 403) || Number.isNaN(serverMs)) return false;
        if (formatDay(serverMs, timeZone) === signedDay) return false;
        const learned = serverMs - Date.now();
        if (Math.abs(learned - clockOffset) > CLOCK_THRESHOLD_MS) clockOffset = learned;
        sendOffset = learned;
        return true;
      },
    });
  };
  Object.defineProperty(nopsFetch, 'clockOffset', { get: () => clockOffset });
  return nopsFetch as NopsFetch;
}
