import type { ArgumentErrorClass } from './errors.js';
import { assertOptionNames } from './suggest.js';

/**
 * The parts of a long-lived signing client that every scheme shares (`createNogFetch`, `createNopsFetch`): the loop
 * that sends a request again, the opt-in retry of a 503 with `Retry-After` (a strategy made by `retryOn503`, so that a
 * client that does not retry carries none of it), the wait that an `AbortSignal` ends, and the warning channel. What a
 * scheme's own server says about its clock is the scheme's: it is handed in as `clockRetry`.
 */

/**
 * Decides whether to send a request again after `response` (the `sends`-th answer to it): resolves to true once it
 * has waited what it wants, false to return the response. It rejects with the signal's reason when the signal aborts
 * during its wait. Each new send is signed afresh. Only `true` sends again, and never more than {@link MAX_SENDS}
 * sends in all (with the clock's one), whatever a strategy of the caller's answers.
 */
export type RetryStrategy = (response: Response, sends: number, signal: AbortSignal | null | undefined) => Promise<boolean>;

/** The options of `retryOn503`. */
export interface RetryOptions {
  /** Sends in all, the first included: a whole number from 1 to 10 (default 3). */
  readonly attempts?: number | undefined;
  /**
   * The longest wait before one retry, in milliseconds (default 20000, at most 2^31 - 1): a 503 whose `Retry-After`
   * asks for longer is returned as it is; a backoff without `Retry-After` is capped at it.
   */
  readonly maxDelayMs?: number | undefined;
}

/** The first backoff step without `Retry-After`, in milliseconds: the n-th retry waits a random part of 100 * 2^n. */
export const BACKOFF_BASE_MS = 100;

/**
 * The wait a `Retry-After` header asks for, in milliseconds (RFC 9110 10.2.3): a number of seconds (`1*DIGIT`), or an
 * HTTP-date, less `now` (never below 0). `undefined` for no header or one that is neither.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  // What a header holds is a string; anything else (a stub's header object) is no header.
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^\d+$/.test(text)) return +text * 1000;
  // An HTTP-date: IMF-fixdate and RFC 850's form say GMT; asctime's has no zone and means GMT.
  const at = /^[a-z]{3,9}, .+ GMT$/i.test(text)
    ? Date.parse(text)
    : /^[a-z]{3} [a-z]{3} .+ \d{4}$/i.test(text)
      ? Date.parse(`${text} GMT`)
      : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before the `retry`-th retry (1 first) without `Retry-After`: "full jitter", a random part of the step. */
export function backoffMs(retry: number, maxDelayMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxDelayMs, BACKOFF_BASE_MS * 2 ** retry));
}

/**
 * Waits `ms` milliseconds. An aborted `signal` rejects at once with its reason, before or during the wait, and the
 * timer is cleared.
 */
export function delay(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Every runtime with AbortSignal gives an aborted signal a reason (an AbortError DOMException by default).
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort);
  });
}

/** Lets go of a response that will not be returned: its body is cancelled, so its connection is free again. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Binds `retryOn503` to a package's error class. `retryOn503(options)` makes the {@link RetryStrategy} of a 503: up to
 * `attempts` sends, each retry after the `Retry-After` (seconds or an HTTP-date; a 503 asking for more than
 * `maxDelayMs` is returned), else after a random part of 100 * 2^n ms (n the retry), capped at `maxDelayMs`.
 */
export function retryOn503With(Err: ArgumentErrorClass): (options?: RetryOptions) => RetryStrategy {
  return (options = {}) => {
    const whole = (n: unknown, min: number, max: number): boolean => Number.isInteger(n) && (n as number) >= min && (n as number) <= max;
    if (typeof options !== 'object' || options === null) throw new Err('ERR_INVALID_ARGUMENT', 'options must be an object');
    assertOptionNames(options, ['attempts', 'maxDelayMs'], 'retryOn503', Err);
    const { attempts = 3, maxDelayMs = 20_000 } = options;
    if (!whole(attempts, 1, 10)) throw new Err('ERR_INVALID_ARGUMENT', 'attempts must be a whole number from 1 to 10 (sends in all)');
    if (!whole(maxDelayMs, 0, MAX_TIMER_MS)) {
      throw new Err('ERR_INVALID_ARGUMENT', 'maxDelayMs must be a whole number of milliseconds from 0 to 2147483647');
    }
    return async (response, sends, signal) => {
      if (response.status !== 503 || sends >= attempts) return false;
      const asked = retryAfterMs(response.headers.get('retry-after'), Date.now());
      if (asked !== undefined && asked > maxDelayMs) return false;
      discard(response);
      await delay(asked ?? backoffMs(sends, maxDelayMs), signal);
      return true;
    };
  };
}

/**
 * Reads a response's body as UTF-8 from a clone (the response itself is untouched), chunk by chunk until `limit`
 * characters or the end: what a server sends is read only about this far. `undefined` when it cannot be read.
 */
export async function peekBody(response: Response, limit: number): Promise<string | undefined> {
  const reader = response.clone().body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (reader && text.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return text;
  } catch {
    return undefined;
  } finally {
    reader?.cancel().catch(() => {});
  }
}

/** What a client sends and how it may send it again. */
export interface SendLoop {
  /** Signs afresh (a new date and nonce) and sends; called once per send. */
  readonly send: () => Promise<Response>;
  /** False when the body cannot be sent twice (a stream): the first response is then returned, whatever it is. */
  readonly canResend: boolean;
  /** The caller's signal: aborting it ends a wait at once. */
  readonly signal: AbortSignal | null | undefined;
  /** The retry strategy (`retryOn503`, or the caller's), if any. */
  readonly retry: RetryStrategy | undefined;
  /**
   * The scheme's reading of a response: whether the server said that the signed date is off and its `Date` gives a
   * better one (the scheme learns the offset here, also when the request cannot be sent again). Asked of every
   * response until it answers true; a request is sent again for it once at most.
   */
  readonly clockRetry: (response: Response) => Promise<boolean>;
  /** The scheme's error class, for a `fetch` of the caller's that resolves to no response. */
  readonly Err: ArgumentErrorClass;
}

/**
 * The most sends of one request, the clock's resend included: a strategy that always answers true (a caller's own)
 * ends there, with the last response, instead of sending for ever.
 */
export const MAX_SENDS = 11;

/** Sends a request, again once when `clockRetry` says so, and again while `retry` says so (`MAX_SENDS` at most). */
export async function sendWithRetries({ send, canResend, signal, retry, clockRetry, Err }: SendLoop): Promise<Response> {
  let clockRetried = false;
  for (let sends = 1; ; sends++) {
    const response = await send();
    // A fetch of the caller's (a stub, a wrapper) may resolve to anything: only a response (by its shape: node-fetch's
    // and undici's are not the global Response) is read.
    if (typeof (response as Partial<Response> | null)?.headers?.get !== 'function' || typeof response.status !== 'number') {
      throw new Err('ERR_INVALID_ARGUMENT', 'fetch resolved to something that is not a Response');
    }
    if (!clockRetried && (await clockRetry(response)) && canResend && sends < MAX_SENDS) {
      clockRetried = true;
      discard(response);
    } else if (!canResend || sends >= MAX_SENDS || (await retry?.(response, sends, signal)) !== true) {
      return response;
    }
  }
}

/** A warning for a caller about to fail: a stable `code` and a message that names no secret. */
export interface ReqsignWarning {
  readonly code: string;
  readonly message: string;
}

/** Where a library's warnings go: a function of the caller's, called for every warning. */
export type WarningHandler = (warning: ReqsignWarning) => void;

const warned = new Set<string>();

/**
 * The default warning channel: Node's `process.emitWarning` (type `ReqsignWarning`, with the code) where it exists,
 * else `console.warn`; each distinct warning once per process (the first 100 distinct ones).
 */
export function defaultWarningHandler({ code, message }: ReqsignWarning): void {
  if (warned.has(message) || warned.size > 99) return;
  warned.add(message);
  const node = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process;
  if (typeof node?.emitWarning === 'function') node.emitWarning(message, { type: 'ReqsignWarning', code });
  else console.warn(`ReqsignWarning [${code}]: ${message}`);
}
