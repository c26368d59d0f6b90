import type { MiddlewareHandler } from 'hono';
import { createNogAuthenticator, type NogFetchAuthOptions } from './authenticate.js';
import type { NogAuth } from './types.js';

declare module 'hono' {
  // As Hono's own middlewares do (jwt's jwtPayload): c.get('nogAuth') is typed in every app.
  interface ContextVariableMap {
    nogAuth: NogAuth;
  }
}

/** The Hono environment the middleware sets: `c.get('nogAuth')` is the verification. */
export interface NogAuthEnv {
  Variables: { nogAuth: NogAuth };
}

/**
 * Hono middleware: verifies each request's nog-v1 signature and, when it holds, sets `c.get('nogAuth')` and calls
 * the next handler; otherwise it answers 401 (`WWW-Authenticate: nog-v1`) or 503 (`Retry-After`) with the original
 * Nog server's JSON body. Fetch API only: it runs wherever Hono does.
 *
 * ```ts
 * const app = new Hono();
 * app.use('/api/*', nogAuth({ keys }));
 * app.get('/api/blobs/:id', (c) => c.json({ keyId: c.get('nogAuth').keyId }));
 * ```
 */
export function nogAuth(options: NogFetchAuthOptions): MiddlewareHandler<NogAuthEnv> {
  const authenticate = createNogAuthenticator(options);
  return async (c, next) => {
    const auth = await authenticate(c.req.raw);
    if (auth instanceof Response) return auth;
    c.set('nogAuth', auth);
    await next();
    return undefined;
  };
}

export type { NogFetchAuthOptions as NogAuthOptions } from './authenticate.js';
export type { NogAuth, NogFailureEvent } from './types.js';
