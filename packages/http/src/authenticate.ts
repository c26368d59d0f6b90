import { failureBody } from '@reqsign/nog';
import { recallNogAuth, rememberNogAuth } from './internal/registry.js';
import { FAILURE_HEADERS } from './internal/failure.js';
import { checkMountPrefix, withPrefixInUrl } from './internal/target.js';
import { verifyCandidates } from './internal/verifyCandidates.js';
import { checkOriginalUrl, verifierOf } from './internal/verifier.js';
import type { NogAuth, NogProxyOptions, NogVerifierSource } from './types.js';

/** Options of {@link createNogAuthenticator} and `withNogAuth`: a verifier (or its options) and proxy settings. */
export type NogFetchAuthOptions = NogVerifierSource & NogProxyOptions<Request>;

/** Checks one fetch-API `Request`: its {@link NogAuth} when the signature holds, else the failure `Response`. */
export type NogAuthenticator = (request: Request) => Promise<NogAuth | Response>;

/**
 * The verification of a request that `withNogAuth`, `nogMiddleware` or an authenticator accepted: key id, authdate,
 * expiry, nonce, and `target`/`query` without the auth parameters. `undefined` for a request that did not pass
 * through one (so a handler can assert it is protected).
 */
export function getNogAuth(request: object): NogAuth | undefined {
  return recallNogAuth(request);
}

/**
 * Builds a function that verifies a fetch-API `Request` (Hono's `c.req.raw`, workers, Deno, Bun, Next route
 * handlers) and returns either its {@link NogAuth} or the ready failure `Response`: 401 with
 * `{"statusCode":401,"errorCode":"ERR_AUTH_...","message":"..."}` as the original Nog server answered, or 503 when
 * the nonce store failed (never a pass). Uses only standard globals.
 */
export function createNogAuthenticator(options: NogFetchAuthOptions): NogAuthenticator {
  const verifier = verifierOf(options);
  const mountPrefix = checkMountPrefix(options.mountPrefix);
  const originalUrl = checkOriginalUrl(options.originalUrl);
  return async (request: Request): Promise<NogAuth | Response> => {
    const original = originalUrl?.(request);
    // The verifier reads the absolute URL itself (one parse): a fragment in it is refused after the signature.
    const candidates = typeof original === 'string' ? [original] : withPrefixInUrl(mountPrefix, request.url);
    const result = await verifyCandidates(verifier, request.method, candidates);
    if (!result.ok) return new Response(failureBody(result), { status: result.status, headers: FAILURE_HEADERS });
    rememberNogAuth(request, result);
    return result;
  };
}
