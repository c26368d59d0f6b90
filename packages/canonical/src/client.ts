import type { ArgumentErrorClass } from './errors.js';

/**
 * The parts of a long-lived signing client that every scheme shares (`createNogFetch`, `createNopsFetch`): the opt-in
 * retry of a 503, `Retry-After`, the wait that an `AbortSignal` ends, and the warning channel. What a scheme's own
 * server says about its clock is the scheme's: it is handed in as `clockRetry`.
 */

/** The retry of a 503, as a client's `retry` option gives it: `true` for the defaults, `false` or absent for none. */
export interface RetryOptions {
  /** Sends in all, the first included: a whole number from 1 to 10 (default 3). */
  readonly attempts?: number | undefined;
  /**
   * The longest wait before one retry, in milliseconds (default 20000, at most 2^31 - 1): a 503 whose `Retry-After`
   * asks for longer is returned as it is; a backoff without `Retry-After` is capped at it.
   */
  readonly maxDelayMs?: number | undefined;
}

/** {@link RetryOptions} with the defaults filled in. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly maxDelayMs: number;
}

/** The defaults of {@link RetryOptions}. */
export const RETRY_DEFAULTS: RetryPolicy = /* @__PURE__ */ Object.freeze({ attempts: 3, maxDelayMs: 20_000 });

/** The first backoff step without `Retry-After`, in milliseconds: the n-th retry waits a random part of 100 * 2^n. */
export const BACKOFF_BASE_MS = 100;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Reads a client's `retry` option: `null` for none (the default), else the policy. */
export function readRetryOptions(value: unknown, Err: ArgumentErrorClass): RetryPolicy | null {
  if (value === undefined || value === false) return null;
  if (value === true) return RETRY_DEFAULTS;
  if (typeof value !== 'object' || value === null) {
    throw new Err('ERR_INVALID_ARGUMENT', 'retry must be true, false or { attempts?, maxDelayMs? }');
  }
  const { attempts = RETRY_DEFAULTS.attempts, maxDelayMs = RETRY_DEFAULTS.maxDelayMs } = value as RetryOptions;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new Err('ERR_INVALID_ARGUMENT', 'retry.attempts must be a whole number from 1 to 10 (sends in all)');
  }
  if (!Number.isInteger(maxDelayMs) || maxDelayMs < 0 || maxDelayMs > MAX_TIMER_MS) {
    throw new Err('ERR_INVALID_ARGUMENT', 'retry.maxDelayMs must be a whole number of milliseconds from 0 to 2147483647');
  }
  return { attempts, maxDelayMs };
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds (RFC 9110 10.2.3): a number of seconds (`1*DIGIT`), or an
 * HTTP-date, less `now` (never below 0). `undefined` for no header or one that is neither.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date: IMF-fixdate and the obsolete RFC 850 form end in GMT; asctime has no zone and means GMT.
  const asctime = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/.test(text);
  if (!asctime && !/^[A-Za-z]{3,9}, .* \d\d:\d\d:\d\d GMT$/.test(text)) return undefined;
  const at = Date.parse(asctime ? `${text} GMT` : text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The wait before the `retry`-th retry (1 first) without `Retry-After`: "full jitter", a random part of the step. */
export function backoffMs(retry: number, maxDelayMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxDelayMs, BACKOFF_BASE_MS * 2 ** retry));
}

/** The reason an aborted signal carries (an `AbortError` `DOMException` when the runtime gave none). */
function reasonOf(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Waits `ms` milliseconds. An aborted `signal` rejects at once with its reason, before or during the wait, and the
 * timer is cleared.
 */
export function delay(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(reasonOf(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(reasonOf(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Lets go of a response that will not be returned: its body is cancelled, so its connection is free again. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

/**
 * Reads at most `limit` bytes of a response's body as UTF-8 (from a clone: the response itself is untouched), or
 * `undefined` when there is none or it cannot be read. What a server sends is read only this far.
 */
export async function peekBody(response: Response, limit: number): Promise<string | undefined> {
  if (response.body === null) return undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    reader = response.clone().body!.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
    const bytes = new Uint8Array(Math.min(size, limit));
    let at = 0;
    for (const chunk of chunks) {
      const part = chunk.subarray(0, bytes.length - at);
      bytes.set(part, at);
      at += part.length;
    }
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  } finally {
    reader?.cancel().catch(() => {});
  }
}

/** What a client sends and how it may try again. */
export interface RetryLoop {
  /** Signs afresh (a new date and nonce) and sends; called once per attempt. */
  readonly send: () => Promise<Response>;
  /** False when the body cannot be sent twice (a stream): every response is then returned as it is. */
  readonly canResend: boolean;
  /** The caller's signal: aborting it ends a wait at once. */
  readonly signal: AbortSignal | null | undefined;
  /** The retry of a 503, or null for none. */
  readonly retry: RetryPolicy | null;
  /**
   * The scheme's reading of a failed response: whether the server said that the signed date is off and its `Date`
   * gives a better one (the scheme learns the offset here, also when the request cannot be re-sent). Asked at most
   * once per request.
   */
  readonly clockRetry: (response: Response) => Promise<boolean>;
}

/**
 * Sends a request, then tries again for two reasons only: once when `clockRetry` finds the server's clock elsewhere,
 * and on a 503 up to `retry.attempts` sends, after `Retry-After` (a 503 asking for more than `retry.maxDelayMs` is
 * returned) or a jittered backoff. Each try is signed again.
 */
export async function sendWithRetries(loop: RetryLoop): Promise<Response> {
  let clockAsked = false;
  let sends = 0;
  for (;;) {
    const response = await loop.send();
    sends++;
    if (!clockAsked && (response.status === 401 || response.status === 403)) {
      clockAsked = true;
      if ((await loop.clockRetry(response)) && loop.canResend) {
        discard(response);
        continue;
      }
      return response;
    }
    const { retry } = loop;
    if (response.status !== 503 || retry === null || !loop.canResend || sends >= retry.attempts) return response;
    const asked = retryAfterMs(response.headers.get('retry-after'), Date.now());
    if (asked !== undefined && asked > retry.maxDelayMs) return response;
    discard(response);
    await delay(asked ?? backoffMs(sends, retry.maxDelayMs), loop.signal);
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
export function defaultWarningHandler(warning: ReqsignWarning): void {
  const key = `${warning.code}\n${warning.message}`;
  if (warned.has(key) || warned.size >= 100) return;
  warned.add(key);
  const processLike = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process;
  if (typeof processLike?.emitWarning === 'function') {
    processLike.emitWarning(warning.message, { type: 'ReqsignWarning', code: warning.code });
  } else {
    console.warn(`ReqsignWarning [${warning.code}]: ${warning.message}`);
  }
}

/** Reads an `onWarning` option: the caller's function, or the default channel. */
export function readWarningHandler(value: unknown, Err: ArgumentErrorClass): WarningHandler {
  if (value === undefined) return defaultWarningHandler;
  if (typeof value !== 'function') throw new Err('ERR_INVALID_ARGUMENT', 'onWarning must be a function');
  return value as WarningHandler;
}
