import type { MiddlewareHandler } from 'hono';
import { createNogAuthenticator, type NogFetchAuthOptions } from './authenticate.js';
import { checkRewriteUrl } from './internal/node.js';
import { checkPassPreflight, isPreflight } from './internal/preflight.js';
import { replaceQuery } from './internal/target.js';
import type { NogAuth, NogPreflightOptions } from './types.js';

/**
 * The Hono environment the middleware adds: `c.get('nogAuth')` is the verification. It is typed on the routes that
 * run after the middleware (`new Hono().use(nogAuth(...)).get(...)`, `app.get(path, nogAuth(...), handler)`, or an
 * app made as `new Hono<NogAuthEnv>()` that uses it for every route), and on no other: a route without the
 * middleware does not compile `c.get('nogAuth')`.
 */
export interface NogAuthEnv {
  Variables: { nogAuth: NogAuth };
}

/** Options of the Hono middleware: those of `withNogAuth`, and `rewriteUrl`. */
export type NogAuthOptions = NogFetchAuthOptions &
  NogPreflightOptions & {
    /**
     * After a success, show the handlers `c.req.url`, `c.req.query()` and `c.req.queries()` without the auth
     * parameters (default true). `c.req.raw`, the request as received, is left as it is.
     */
    readonly rewriteUrl?: boolean;
  };

/** Returns the object it is given: a subclass's constructor then defines its fields on that object. */
class Host {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: how a class field goes on an object of another class
    return target;
  }
}

/**
 * Gives a HonoRequest an own `url` that shadows its prototype's getter (which reads `c.req.raw.url`). A class field
 * is defined through an inline cache, for HonoRequest's one shape; `Object.defineProperty` is a call into the
 * runtime on every request (0.5 to 1 us more per request, measured on Node 20).
 */
class CleanUrl extends Host {
  url: string;
  constructor(request: object, url: string) {
    super(request);
    this.url = url;
  }
}

/**
 * Hono middleware, typed as Hono's own (`createMiddleware<NogAuthEnv>`): verifies each request's nog-v1 signature
 * and, when it holds, sets `c.get('nogAuth')`, shows the handlers the URL and query without the auth parameters, and
 * calls the next handler; otherwise it answers 401 (`WWW-Authenticate: nog-v1`) or 503 (`Retry-After`) with the
 * original Nog server's JSON body. A CORS preflight passes on to the next handler (`cors()` answers it). Fetch API
 * only: it runs wherever Hono does.
 *
 * ```ts
 * const app = new Hono()
 *   .use('/api/*', nogAuth({ keys }))
 *   .get('/api/blobs/:id', (c) => c.json({ keyId: c.get('nogAuth').keyId, query: c.req.query() }));
 * ```
 */
export function nogAuth(options: NogAuthOptions): MiddlewareHandler<NogAuthEnv> {
  const authenticate = createNogAuthenticator(options);
  const rewriteUrl = checkRewriteUrl(options.rewriteUrl);
  const passPreflight = checkPassPreflight(options.passPreflight);
  return async (c, next) => {
    const method = c.req.method;
    if (!(passPreflight && method === 'OPTIONS' && isPreflight(method, (name) => c.req.raw.headers.get(name) ?? undefined))) {
      const auth = await authenticate(c.req.raw);
      if (auth instanceof Response) return auth;
      c.set('nogAuth', auth);
      // A fetch Request cannot be rewritten (and c.req.raw keeps its body, signal and platform fields): the URL that
      // c.req.query(), c.req.queries() and c.req.url read is the HonoRequest's own, shadowed here by the clean one.
      if (rewriteUrl) new CleanUrl(c.req, replaceQuery(c.req.url, auth.query));
    }
    await next();
    return undefined;
  };
}

export type { NogAuth, NogFailureEvent } from './types.js';
