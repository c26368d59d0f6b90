import { NogError } from '@reqsign/nog';
import { createNogAuthenticator, type NogFetchAuthOptions } from './authenticate.js';

/**
 * Wraps a fetch-API handler (`(request, ...rest) => Response`) so that it runs only for requests with a valid
 * nog-v1 signature; every other request gets the failure response (401, or 503 when the nonce store failed). The
 * handler receives exactly the arguments it would have (Next's context, a worker's env and ctx, Deno's info) and
 * reads the verification with `getNogAuth(request)`.
 *
 * ```ts
 * export default { fetch: withNogAuth((request) => Response.json(getNogAuth(request)), { keys }) };
 * ```
 */
export function withNogAuth<Args extends unknown[]>(
  handler: (request: Request, ...rest: Args) => Response | Promise<Response>,
  options: NogFetchAuthOptions,
): (request: Request, ...rest: Args) => Promise<Response> {
  if (typeof handler !== 'function') throw new NogError('ERR_INVALID_ARGUMENT', 'handler must be a function');
  const authenticate = createNogAuthenticator(options);
  return async (request: Request, ...rest: Args): Promise<Response> => {
    const auth = await authenticate(request);
    if (auth instanceof Response) return auth;
    return handler(request, ...rest);
  };
}
