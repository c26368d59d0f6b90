/**
 * `@reqsign/http/express`: `nogMiddleware` for Express, with `req.nogAuth` typed on Express's `Request` (the global
 * `Express.Request` that `@types/express` merges into every request type). Importing anything from this entry brings
 * the type in; `@reqsign/http` itself adds nothing to the global scope.
 */
import type { NogAuth } from './types.js';

declare global {
  // The declaration merging that @types/express documents for request properties added by a middleware.
  namespace Express {
    interface Request {
      /** Set by `nogMiddleware` for a request whose nog-v1 signature holds (`undefined` on a route without it). */
      nogAuth?: NogAuth | undefined;
    }
  }
}

export { getNogAuth } from './authenticate.js';
export { nogMiddleware, type NogMiddleware, type NogMiddlewareOptions } from './nogMiddleware.js';
export type { NogAuth, NogFailureEvent } from './types.js';
