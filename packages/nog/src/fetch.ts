import {
  assertFunction,
  assertObject,
  assertOptionNames,
  assertString,
  peekBody,
  resendable,
  retryOn503With,
  sendWithRetries,
  type RetryOptions,
  type RetryStrategy,
  type WarningHandler,
} from '@reqsign/canonical';
import { NogError } from './errors.js';
import type { NogKey, SignFunction, SignOptions } from './sign.js';

/**
 * A function that gives the key to sign with (a rotated key, a secret from a vault), sync or async. It is called
 * once per request (a request's retries use the same key); cache in it what is costly to fetch. Throwing or
 * rejecting makes that request reject with `ERR_KEY_PROVIDER`, the provider's error as `cause`.
 */
export type NogKeyProvider = () => NogKey | Promise<NogKey>;

export interface NogFetchOptions {
  /**
   * The key to sign with, as for `sign`: `{ id, secret }` (checked here), or a {@link NogKeyProvider} (its key is
   * checked when a request is signed with it).
   */
  readonly key: NogKey | NogKeyProvider;
  /**
   * What a relative URL (`/api/blobs/x`) is resolved against, e.g. `https://nog.example.org`. Without it a relative
   * URL is `ERR_INVALID_ARGUMENT` outside a browser page (which resolves against its own location).
   */
  readonly baseUrl?: string | URL | undefined;
  /** The fetch to send with (default `globalThis.fetch`, looked up at each call). */
  readonly fetch?: typeof fetch | undefined;
  /** `authexpires` of each request, default 600. */
  readonly expires?: number | undefined;
  /** As for `sign`: default a fresh random nonce per request; `false` for none. A fixed string is refused here. */
  readonly nonce?: false | undefined;
  /**
   * Milliseconds to add to this machine's clock for the `authdate` (default 0): the server's time minus this
   * client's, for a client whose clock is off (`Date.parse(response.headers.get('date')) - Date.now()`, say). The
   * fetch corrects it itself when a server says so (`correctClock`); the offset in use is `nogFetch.clockOffset`.
   */
  readonly clockOffset?: number | undefined;
  /**
   * Learn the clock offset from the server (default true): a 401 whose JSON body's `errorCode` is
   * `ERR_AUTH_DATE_FUTURE` or `ERR_AUTH_SIG_EXPIRED` (what `@reqsign/http` answers) and whose `Date` header is more
   * than 2 seconds from this client's clock (offset included) sets the offset to the server's `Date` minus this
   * machine's clock, for this and later requests, and the request is signed and sent again, once: never a second
   * time for the same request.
   */
  readonly correctClock?: boolean | undefined;
  /**
   * When to send a request again besides the clock (none by default): `retryOn503()` retries a 503 after its
   * `Retry-After`, or a {@link RetryStrategy} of your own. Each retry is signed afresh (new authdate and nonce); the
   * request's `signal` ends a wait at once, rejecting with its reason.
   */
  readonly retry?: RetryStrategy | undefined;
  /** Where `sign`'s warnings go (see `SignOptions.onWarning`): default `process.emitWarning`, once per warning. */
  readonly onWarning?: WarningHandler | undefined;
}

/** A fetch-compatible function that signs every request at send time. */
export type NogFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  /** The milliseconds added to this machine's clock when signing: `clockOffset`, or what the server taught it. */
  readonly clockOffset: number;
};

/**
 * The retry of a 503 (for `createNogFetch`'s `retry`): up to `attempts` sends in all (default 3, at most 10), each
 * retry after the response's `Retry-After` (seconds or an HTTP-date) or, without one, a random part of 100 * 2^n ms
 * (n the retry); never longer than `maxDelayMs` (default 20000): a 503 that asks for longer is returned as it is. Not
 * bundled unless imported.
 */
export const retryOn503: (options?: RetryOptions) => RetryStrategy = /* @__PURE__ */ retryOn503With(NogError);

/** How far a server's `Date` must be from the signing clock to be learned (a `Date` has whole seconds). */
const CLOCK_THRESHOLD_MS = 2000;

/**
 * Whether a 401's JSON body blames the authdate (`errorCode` `ERR_AUTH_DATE_FUTURE` or `ERR_AUTH_SIG_EXPIRED`, as
 * `@reqsign/http` and the original Nog server answer). At most about 4 KiB of it is read (theirs have about 100 bytes).
 */
async function blamesDate(response: Response): Promise<boolean> {
  try {
    return /^ERR_AUTH_(DATE_FUTURE|SIG_EXPIRED)$/.test(JSON.parse((await peekBody(response, 4096))!).errorCode);
  } catch {
    return false;
  }
}

/** The options `createNogFetch` takes: any other name is refused (a misspelt option would be ignored silently). */
const FETCH_OPTION_NAMES: readonly string[] = [
  'key',
  'baseUrl',
  'fetch',
  'expires',
  'nonce',
  'clockOffset',
  'correctClock',
  'retry',
  'onWarning',
];

const invalid = (message: string): NogError => new NogError('ERR_INVALID_ARGUMENT', message);

/** Binds `createNogFetch` to a `sign`. */
export function createNogFetchWith(sign: SignFunction): (options: NogFetchOptions) => NogFetch {
  return function createNogFetch(options: NogFetchOptions): NogFetch {
    assertObject(options, 'options', NogError);
    assertOptionNames(options, FETCH_OPTION_NAMES, 'createNogFetch', NogError);
    const provider = typeof options.key === 'function' ? options.key : null;
    let staticKey: NogKey | null = null;
    if (provider === null) {
      assertObject(options.key, 'key', NogError);
      const { id, secret } = options.key as NogKey;
      assertString(id, 'key.id', NogError);
      assertString(secret, 'key.secret', NogError);
      staticKey = { id, secret };
    }
    const { correctClock = true, retry, onWarning } = options;
    if (typeof correctClock !== 'boolean') throw invalid('correctClock must be a boolean');
    for (const [name, f] of [
      ['retry', retry],
      ['onWarning', onWarning],
      ['fetch', options.fetch],
    ] as const) {
      if (f !== undefined) assertFunction(f, name, NogError);
    }
    if (options.nonce !== undefined && options.nonce !== false) {
      throw invalid('nonce must be false or absent (a fixed nonce would work only once)');
    }
    const { baseUrl: base } = options;
    let offset = options.clockOffset ?? 0;
    try {
      if (base !== undefined) new URL(base);
    } catch {
      throw invalid('baseUrl must be an absolute URL');
    }
    if (!Number.isFinite(offset)) throw invalid('clockOffset must be a finite number');
    const signOptions: { expires?: number; nonce?: false; onWarning?: WarningHandler } = {};
    if (options.expires !== undefined) signOptions.expires = options.expires;
    if (options.nonce === false) signOptions.nonce = false;
    if (onWarning !== undefined) signOptions.onWarning = onWarning;

    /** Learns the server's clock from a 401 that blames the authdate: whether the request is worth sending again. */
    async function clockRetry(response: Response): Promise<boolean> {
      const learned = Date.parse(response.headers.get('date')!) - Date.now();
      // NaN (no Date, or not a date) fails the comparison; the body is read only for a 401 whose Date is far off.
      if (!correctClock || response.status !== 401 || !(Math.abs(learned - offset) > CLOCK_THRESHOLD_MS)) return false;
      if (!(await blamesDate(response))) return false;
      offset = learned;
      return true;
    }

    const nogFetch = async function nogFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
      let request: Request;
      try {
        const resolved = base === undefined || input instanceof Request ? input : new URL(input, base);
        // Sign the URL exactly as it goes on the wire: Request normalizes it (percent-encodes non-ASCII and
        // spaces, removes dot segments), so signing the caller's string could sign other bytes than are sent.
        request = new Request(resolved, init);
      } catch (cause) {
        throw new NogError('ERR_INVALID_ARGUMENT', 'input must be a URL (relative: with baseUrl) or a Request', { cause });
      }
      let key = staticKey!;
      try {
        if (provider !== null) key = await provider();
      } catch (cause) {
        throw new NogError('ERR_KEY_PROVIDER', 'The key provider threw or rejected (see cause)', { cause });
      }
      // The body is read into memory (a Request's URL cannot be changed), so every retry sends the same bytes.
      const resend = await resendable(request);
      return sendWithRetries({
        Err: NogError,
        async send() {
          const date = Date.now() + offset;
          const signed = await sign(request.method, request.url, key, { ...signOptions, date } satisfies SignOptions);
          const send = options.fetch ?? globalThis.fetch;
          return send(new Request(signed.url, resend));
        },
        canResend: true,
        signal: request.signal,
        retry,
        clockRetry,
      });
    };
    Object.defineProperty(nogFetch, 'clockOffset', { get: () => offset });
    return nogFetch as NogFetch;
  };
}
