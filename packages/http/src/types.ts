import type { Verifier, VerifierOptions, VerifyFailure, NogAuthErrorCode, VerifySuccess } from '@reqsign/nog';

/** What a successful verification hands the application: key id, authdate, expiry, nonce, and the cleaned query. */
export type NogAuth = VerifySuccess;

/** A verification failure as @reqsign/nog reports it (status 401, or 503 for a failed nonce store). */
export type NogAuthFailure = VerifyFailure;

/** The options of @reqsign/nog's `createVerifier`: keys, clock, expiry limits, clock skew, nonce store. */
export type NogVerifierOptions = VerifierOptions;

/**
 * Where the verifier comes from: either a ready one (`{ verifier }`, to share one verifier and nonce store between
 * several routes) or the options to build one (`{ keys, nonceStore, ... }`, passed to `createVerifier`).
 */
export type NogVerifierSource = { readonly verifier: Verifier } | (NogVerifierOptions & { readonly verifier?: undefined });

/**
 * How to find the target the client signed when a reverse proxy changed it on the way in. Both are off by default:
 * the target verified is the one the request arrived with.
 */
export interface NogProxyOptions<Req> {
  /**
   * A path prefix that a proxy stripped before forwarding (`/api` when the client calls `/api/blobs/x` and the
   * proxy forwards `/blobs/x`). It is put back before verifying. Starts with `/`, does not end with `/`.
   */
  readonly mountPrefix?: string | undefined;
  /**
   * Returns the URL the client signed (absolute or `/path?query`), e.g. from an `X-Original-URL` header that your
   * proxy sets, or `null`/`undefined` to use the request's own URL (with `mountPrefix`). Only read a header here
   * that your proxy always overwrites: a client-supplied value would let a caller choose what gets verified.
   */
  readonly originalUrl?: ((request: Req) => string | null | undefined) | undefined;
}

/**
 * What `onFailure` is told about a refused request. Nothing secret: no signature, no query, no key material. `keyId`
 * is the `authkeyid` the request claimed (when it looks like a key id), which is not proof of anything: the
 * request failed.
 */
export interface NogFailureEvent {
  readonly code: NogAuthErrorCode;
  /** 401, or 503 when the nonce store failed. */
  readonly status: number;
  readonly message: string;
  readonly keyId: string | null;
  readonly method: string;
  /** The path the request was verified with, without its query. */
  readonly path: string;
  /**
   * For a 503, what went wrong, to log: what your `keys` function threw or rejected with (a `NogError`
   * `ERR_KEY_LOOKUP_TIMEOUT` "Key lookup timed out after N ms" when it hung), or the nonce store's `NonceStoreError`
   * (the Redis and Durable Objects stores give it a `cause` of its own: the timeout, the disconnection, Redis's error
   * reply). `undefined` for a 401. It is never in the response.
   */
  readonly cause?: unknown;
}

/** The option of the middlewares (Node, Express, Fastify, Koa, Hono) for CORS preflights. */
export interface NogPreflightOptions {
  /**
   * Let a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) go on unverified to the next handler, where
   * your CORS middleware answers it (default true). A browser sends it without the signature, so it can never pass
   * verification. It gets no `nogAuth`. `false`: verify it like any request (401).
   */
  readonly passPreflight?: boolean;
}

/** Hooks every integration takes. */
export interface NogHookOptions {
  /**
   * Called for each refused request, before the 401 or 503 goes out: for logs and metrics. It may not change the
   * answer; an exception from it is dropped.
   */
  readonly onFailure?: ((event: NogFailureEvent) => void) | undefined;
}
