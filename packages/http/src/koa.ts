import { failureResponse } from './internal/failure.js';
import { createGate } from './internal/gate.js';
import { checkRewriteUrl, receivedUrl, rewriteNodeRequest } from './internal/node.js';
import { checkPassPreflight, isPreflight } from './internal/preflight.js';
import { rememberNogAuth } from './internal/registry.js';
import { withPrefix } from './internal/target.js';
import type { NogHookOptions, NogPreflightOptions, NogProxyOptions, NogVerifierSource } from './types.js';

/**
 * The parts of a Koa context the middleware reads and writes, described by shape (Koa ships no types; with
 * `@types/koa` a Koa `Context` fits it).
 */
export interface KoaContextLike {
  method: string;
  /** The request URL; a mounted router may have removed its prefix. */
  url: string;
  /** The URL as received, before any mount (koa-mount). */
  originalUrl: string;
  status: number;
  body: unknown;
  set(field: string, value: string): void;
  state: Record<string, unknown>;
  /** The Node request. */
  readonly req: object;
}

/** Options of the Koa middleware: a verifier (or its options), proxy settings, `onFailure`, `rewriteUrl`. */
export type NogAuthOptions = NogVerifierSource &
  NogProxyOptions<KoaContextLike> &
  NogHookOptions &
  NogPreflightOptions & {
    /** Remove the auth parameters from `ctx.url` and `ctx.originalUrl` after a success (default true). */
    readonly rewriteUrl?: boolean | undefined;
  };

/** A Koa middleware. */
export type NogKoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void>;

/**
 * Koa middleware: verifies each request's nog-v1 signature against `ctx.originalUrl` (what the client signed) and,
 * when it holds, sets `ctx.state.nogAuth` and calls `next()`; otherwise it answers 401 (`WWW-Authenticate: nog-v1`)
 * or 503 (`Retry-After`) with the original Nog server's JSON body (a key lookup that throws or hangs is a 503 too).
 * Only a verifier that cannot run (a `now` that is no clock: `ERR_CLOCK_INVALID`) throws, to Koa's error handling.
 *
 * ```ts
 * app.use(nogAuth({ keys }));
 * app.use((ctx) => { ctx.body = { keyId: ctx.state.nogAuth.keyId }; });
 * ```
 */
export function nogAuth(options: NogAuthOptions): NogKoaMiddleware {
  const gate = createGate(options, withPrefix);
  const rewriteUrl = checkRewriteUrl(options.rewriteUrl);
  const passPreflight = checkPassPreflight(options.passPreflight);
  return async (ctx, next) => {
    if (passPreflight && isPreflight(ctx.method, (name) => (ctx.req as { headers?: Record<string, unknown> }).headers?.[name])) {
      await next();
      return;
    }
    const result = await gate(ctx, ctx.method, receivedUrl(ctx));
    if (!result.ok) {
      const { status, headers, body } = failureResponse(result);
      ctx.status = status;
      for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
      ctx.body = body;
      return;
    }
    ctx.state.nogAuth = result;
    rememberNogAuth(ctx.req, result);
    if (rewriteUrl) rewriteNodeRequest(ctx, result);
    await next();
  };
}

export type { NogAuth, NogFailureEvent } from './types.js';
