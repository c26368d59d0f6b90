import type { VerifyResult } from '@reqsign/nog';
import { failureResponse } from './internal/failure.js';
import { createGate } from './internal/gate.js';
import { checkRewriteUrl, reparseExpressQuery, stripAuthParameters } from './internal/node.js';
import { checkPassPreflight, isPreflight } from './internal/preflight.js';
import { rememberNogAuth } from './internal/registry.js';
import { replaceQuery, withPrefix } from './internal/target.js';
import type { NogAuth, NogHookOptions, NogPreflightOptions, NogProxyOptions, NogVerifierSource } from './types.js';

/**
 * The parts of a Node `http.IncomingMessage` (or an Express request) that the middleware reads and writes,
 * described by shape so that this package's types do not need `@types/node`.
 */
export interface NodeRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  /** Set by Express: the URL as received, before a router stripped its mount path from `url`. */
  originalUrl?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Set by the middleware on success. */
  nogAuth?: NogAuth | undefined;
}

/** The parts of a Node `http.ServerResponse` that the middleware uses to answer a failure. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** Options of {@link nogMiddleware}. */
export type NogMiddlewareOptions = NogVerifierSource &
  NogProxyOptions<NodeRequestLike> &
  NogHookOptions &
  NogPreflightOptions & {
    /**
     * Remove the auth parameters from `req.url` (and `req.originalUrl`, and Express 4's parsed `req.query`) after a
     * successful verification, so the application sees the query without them (default true).
     */
    readonly rewriteUrl?: boolean | undefined;
  };

/** A Connect / Express middleware; for plain `node:http`, call it with a `next` that runs your handler. */
export type NogMiddleware = (req: NodeRequestLike, res: NodeResponseLike, next: (err?: unknown) => void) => Promise<void>;

/**
 * Middleware for Node `http` servers and Express/Connect: verifies the nog-v1 signature of each request against
 * the target the client signed (`req.originalUrl` when Express mounted a sub-router, else `req.url`, with
 * `mountPrefix` or `originalUrl` behind a proxy). On success it sets `req.nogAuth` (also `getNogAuth(req)`), strips
 * the auth parameters from the URL the application sees, and calls `next()`. On failure it answers 401 with
 * `{"statusCode":401,"errorCode":"ERR_AUTH_...","message":"..."}` as the original Nog server did, or 503 when the
 * nonce store or the key lookup failed (never a pass; the lookup's exception is not kept), and does not call `next`.
 * An exception of the verification itself (`ERR_CLOCK_INVALID`, a `verifier` of the caller's that rejects) goes to
 * `next(err)`. A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) goes to `next()` unverified and
 * without `nogAuth`, for the CORS middleware after it (`passPreflight: false` to verify it too).
 *
 * ```ts
 * const auth = nogMiddleware({ keys: { [keyId]: secret } });
 * http.createServer((req, res) => auth(req, res, (err) => (err ? fail(res, err) : app(req, res))));
 * ```
 */
export function nogMiddleware(options: NogMiddlewareOptions): NogMiddleware {
  const gate = createGate(options, withPrefix);
  const rewriteUrl = checkRewriteUrl(options.rewriteUrl);
  const passPreflight = checkPassPreflight(options.passPreflight);

  // `url` and `originalUrl` as read before the verification: each property of the request is read once and written
  // once, its one new property (`nogAuth`) last. Express swaps the prototype of its requests, which gives every one of
  // them a V8 map of its own: each access to one misses V8's inline caches (a runtime call), and each property added
  // copies its map (registry.ts).
  const finish = (
    req: NodeRequestLike,
    res: NodeResponseLike,
    next: (err?: unknown) => void,
    url: string | undefined,
    originalUrl: string | undefined,
    result: VerifyResult,
  ): void => {
    if (!result.ok) {
      const { status, headers, body } = failureResponse(result);
      res.statusCode = status;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.end(body);
      return;
    }
    if (rewriteUrl) {
      // With an `originalUrl` option the request's own URLs were not read: only strings are rewritten.
      if (typeof url === 'string') req.url = replaceQuery(url, result.query);
      if (typeof originalUrl === 'string') req.originalUrl = replaceQuery(originalUrl, result.query);
      // Express 4 parses req.query before any middleware runs: parsed again, from the clean query, with the app's
      // own parser (whose exception goes to the error handler: Express 4 drops the promise a middleware returns).
      // Express 5 re-parses req.url on access. Only an own data property is a parsed query (no descriptor object
      // made for a request that has none).
      if (Object.hasOwn(req, 'query')) {
        try {
          if (!reparseExpressQuery(req, result.query)) stripAuthParameters(Object.getOwnPropertyDescriptor(req, 'query')?.value);
        } catch (err) {
          next(err);
          return;
        }
      }
    }
    req.nogAuth = result;
    // Express sets `originalUrl`: the mark goes on the verification that req.nogAuth now holds, not on the request.
    rememberNogAuth(req, result, originalUrl !== undefined);
    next();
  };

  // Not an async function (the verifier's promise and one `then` on it are the promises of a request), with an async
  // function's outcomes: whatever throws, `next` included, rejects the returned promise.
  return (req: NodeRequestLike, res: NodeResponseLike, next: (err?: unknown) => void): Promise<void> => {
    try {
      const method = req.method ?? '';
      if (passPreflight && method === 'OPTIONS' && isPreflight(method, (name) => req.headers?.[name])) {
        next();
        return Promise.resolve();
      }
      const url = req.url;
      const originalUrl = req.originalUrl;
      let verdict: Promise<VerifyResult>;
      try {
        // The URL the client signed, as the server received it: before a router stripped its mount path.
        verdict = gate(req, method, originalUrl ?? url ?? '');
      } catch (err) {
        next(err);
        return Promise.resolve();
      }
      return verdict.then(
        (result) => finish(req, res, next, url, originalUrl, result),
        (err: unknown) => next(err),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  };
}
