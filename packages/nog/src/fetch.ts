import {
  assertBoolean,
  assertFunction,
  assertObject,
  assertString,
  peekBody,
  readRetryOptions,
  resendable,
  sendWithRetries,
  type RetryOptions,
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
   * Retry a 503 (off by default): `true` for 3 sends at most, each wait at most 20 s, or `{ attempts, maxDelayMs }`.
   * The wait is the `Retry-After` (seconds or an HTTP-date; a 503 asking for more than `maxDelayMs` is returned as
   * it is), else a random part of 100 * 2^n ms (n the retry, capped at `maxDelayMs`). Each retry is signed afresh
   * (new authdate and nonce). The request's `signal` ends a wait at once, rejecting with its reason.
   */
  readonly retry?: boolean | RetryOptions | undefined;
  /** Where `sign`'s warnings go (see `SignOptions.onWarning`): default `process.emitWarning`, once per warning. */
  readonly onWarning?: WarningHandler | undefined;
}

/** A fetch-compatible function that signs every request at send time. */
export type NogFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  /** The milliseconds added to this machine's clock when signing: `clockOffset`, or what the server taught it. */
  readonly clockOffset: number;
};

/** The 401 codes that say the authdate is off, in the body `@reqsign/http` (and the original Nog server) answers. */
const CLOCK_CODES: ReadonlySet<string> = new Set(['ERR_AUTH_DATE_FUTURE', 'ERR_AUTH_SIG_EXPIRED']);
/** How far a server's `Date` must be from the signing clock to be learned (a `Date` has whole seconds). */
const CLOCK_THRESHOLD_MS = 2000;
/** The most of a 401's body read for its `errorCode` (the answer of `@reqsign/http` has about 100 bytes). */
const PEEK_BYTES = 4096;

/** The `errorCode` of a nog failure body, or undefined. */
async function errorCodeOf(response: Response): Promise<unknown> {
  const text = await peekBody(response, PEEK_BYTES);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as { errorCode?: unknown } | null)?.errorCode;
  } catch {
    return undefined;
  }
}

const invalid = (message: string): NogError => new NogError('ERR_INVALID_ARGUMENT', message);

/** Binds `createNogFetch` to a `sign`. */
export function createNogFetchWith(sign: SignFunction): (options: NogFetchOptions) => NogFetch {
  return function createNogFetch(options: NogFetchOptions): NogFetch {
    assertObject(options, 'options', NogError);
    const provider = typeof options.key === 'function' ? options.key : null;
    let staticKey: NogKey | null = null;
    if (provider === null) {
      assertObject(options.key, 'key', NogError);
      const { id, secret } = options.key as NogKey;
      assertString(id, 'key.id', NogError);
      assertString(secret, 'key.secret', NogError);
      staticKey = { id, secret };
    }
    if (options.correctClock !== undefined) assertBoolean(options.correctClock, 'correctClock', NogError);
    const correctClock = options.correctClock ?? true;
    const retry = readRetryOptions(options.retry, NogError);
    if (options.onWarning !== undefined) assertFunction(options.onWarning, 'onWarning', NogError);
    if (options.fetch !== undefined) assertFunction(options.fetch, 'fetch', NogError);
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
    if (options.onWarning !== undefined) signOptions.onWarning = options.onWarning;

    /** Learns the server's clock from a 401 that blames the authdate: whether the request is worth sending again. */
    async function clockRetry(response: Response): Promise<boolean> {
      if (!correctClock || response.status !== 401) return false;
      const serverMs = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isFinite(serverMs) || !CLOCK_CODES.has((await errorCodeOf(response)) as string)) return false;
      const learned = serverMs - Date.now();
      if (Math.abs(learned - offset) <= CLOCK_THRESHOLD_MS) return false;
      offset = learned;
      return true;
    }

    async function keyOf(): Promise<NogKey> {
      if (provider === null) return staticKey!;
      try {
        return await provider();
      } catch (cause) {
        throw new NogError('ERR_KEY_PROVIDER', 'The key provider threw or rejected (see cause)', { cause });
      }
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
      const key = await keyOf();
      // The body is read into memory (a Request's URL cannot be changed), so every retry sends the same bytes.
      const resend = await resendable(request);
      return sendWithRetries({
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
    Object.defineProperty(nogFetch, 'clockOffset', { get: () => offset, enumerable: true });
    return nogFetch as NogFetch;
  };
}
