import { NogError, type NogAuthErrorCode } from './errors.js';
import { resolveVerifierOptions, verifyRequest } from './internal/checks.js';
import type { CryptoProvider } from './internal/provider.js';
import type { NonceStore } from './nonceStore.js';

/** Where a verifier finds the secret of a key id: a map, a record, or a (possibly async) function. */
export type KeyLookup =
  | Readonly<Record<string, string>>
  | ReadonlyMap<string, string>
  | ((keyId: string) => string | null | undefined | Promise<string | null | undefined>);

export interface VerifierOptions {
  /**
   * keyId -> secret. A function may be async; it returning null, undefined or '' means an unknown key. A function
   * that throws, rejects or does not settle within `keyLookupTimeoutMs` fails the request with `ERR_AUTH_KEY_LOOKUP`
   * (503).
   */
  readonly keys: KeyLookup;
  /**
   * **Milliseconds** an async key lookup may take (default 5000, 1 to 2^31 - 1, the longest a timer holds): then
   * `ERR_AUTH_KEY_LOOKUP`.
   */
  readonly keyLookupTimeoutMs?: number | undefined;
  /**
   * The clock, **milliseconds** since the epoch (default `Date.now`). The nonce store is handed the same time. A `now`
   * that throws or returns anything but a finite number (a `Date`, NaN, a BigInt) makes `verify` reject with
   * `ERR_CLOCK_INVALID`: it never verifies without a clock.
   */
  readonly now?: (() => number) | undefined;
  /** **Seconds** a signature without `authexpires` stays valid (default 300, as the original server; 0 to 86400). */
  readonly defaultExpires?: number | undefined;
  /** The largest `authexpires` accepted with a nonce, in **seconds** (default 3600, as the original server; 0 to 604800). */
  readonly maxExpiresWithNonce?: number | undefined;
  /**
   * The largest `authexpires` accepted without a nonce, in **seconds** (default none, as the original server; 0 to
   * 31622400, 366 days: for no bound, leave it out).
   */
  readonly maxExpires?: number | undefined;
  /** **Seconds** an authdate may lie in the future (default 900, as AWS; 0 to 3600). */
  readonly maxClockSkew?: number | undefined;
  /** Reject requests without `authnonce` (default false: the nonce is optional, as in the original). */
  readonly requireNonce?: boolean | undefined;
  /** Where seen nonces are kept (default: a new `MemoryNonceStore` of 8,000,000 entries). */
  readonly nonceStore?: NonceStore | undefined;
  /** The longest URL accepted, in UTF-16 code units (default 16384, Node's default header limit). */
  readonly maxUrlLength?: number | undefined;
}

/** A request whose signature checked out. */
export interface VerifySuccess {
  readonly ok: true;
  readonly keyId: string;
  readonly authdate: Date;
  /** The instant after which the signature is expired (authdate + authexpires), never after 9999-12-31T23:59:59Z. */
  readonly expiresAt: Date;
  readonly nonce: string | null;
  /** The target the application should see: path and query with the auth parameters removed. */
  readonly target: string;
  /** The query with the auth parameters removed: null when none is left and the client's target had no `?`. */
  readonly query: string | null;
}

/** The verification codes of a failure of the verifier's own side (try again): answered with 503. */
export type NogUnavailableCode = 'ERR_AUTH_NONCE_STORE' | 'ERR_AUTH_KEY_LOOKUP';

/** A failure with the code `Code`: its status follows from the code, so `status` narrows with `code`. */
export interface VerifyFailureOf<Code extends NogAuthErrorCode> {
  readonly ok: false;
  readonly code: Code;
  readonly message: string;
  /** 503 for `ERR_AUTH_NONCE_STORE` and `ERR_AUTH_KEY_LOOKUP` (the verifier's side failed, try again), else 401. */
  readonly status: Code extends NogUnavailableCode ? 503 : 401;
  /**
   * For a 503 only, what went wrong, for operators to log: what the key lookup threw or rejected with (a
   * `NogError` `ERR_KEY_LOOKUP_TIMEOUT` naming the milliseconds when it did not answer in time), or what the nonce
   * store threw (a `NonceStoreError`, whose own `cause` may say more). Never part of the response body
   * ({@link failureBody} leaves it out), and the value is the lookup's or store's own: keep secrets out of it.
   */
  readonly cause?: unknown;
}

/**
 * A request that failed: a stable code, the fixed message, and the HTTP status to answer with. A union over the
 * codes, so that checking `code` narrows `status` (`if (r.code === 'ERR_AUTH_KEY_LOOKUP') r.status` is `503`).
 */
export type VerifyFailure = { readonly [Code in NogAuthErrorCode]: VerifyFailureOf<Code> }[NogAuthErrorCode];

export type VerifyResult = VerifySuccess | VerifyFailure;

/** What `createVerifier` returns: one verifier, with its keys, limits and nonce store, for any number of requests. */
export interface Verifier {
  /**
   * Verifies a nog-v1 signed request. Resolves to a result for any two strings, a hostile request never makes it
   * reject; it rejects with a {@link NogError} only for a misconfigured verifier (`ERR_CLOCK_INVALID`, or
   * `ERR_INVALID_ARGUMENT` for a key lookup that gives something other than a string) and for arguments that are
   * not strings.
   */
  verify(method: string, url: string): Promise<VerifyResult>;
}

export { VERIFIER_DEFAULTS, VERIFIER_OPTION_NAMES } from './internal/checks.js';

/**
 * The body of a failure response, exactly as the original Nog server answered and its clients parse it:
 * `{"statusCode":401,"errorCode":"ERR_AUTH_...","message":"..."}`. Send it with `failure.status`.
 */
export function failureBody(failure: VerifyFailure): string {
  const { status, code, message } = (typeof failure === 'object' && failure !== null ? failure : {}) as Partial<VerifyFailure>;
  if (typeof status !== 'number' || typeof code !== 'string' || typeof message !== 'string') {
    throw new NogError('ERR_INVALID_ARGUMENT', 'failure must be a verification failure: { status, code, message }');
  }
  return JSON.stringify({ statusCode: status, errorCode: code, message });
}

/** Binds `createVerifier` to a crypto provider. The checks, in the original's order, are in internal/checks.ts. */
export function createVerifierWith(provider: CryptoProvider): (options: VerifierOptions) => Verifier {
  return function createVerifier(options: VerifierOptions): Verifier {
    const config = resolveVerifierOptions(options);
    return {
      verify(method: string, url: string): Promise<VerifyResult> {
        try {
          const result = verifyRequest(config, provider, method, url);
          return result instanceof Promise ? result : Promise.resolve(result);
        } catch (err) {
          return Promise.reject(err);
        }
      },
    };
  };
}
