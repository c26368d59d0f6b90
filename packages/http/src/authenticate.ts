import type { VerifyResult } from '@reqsign/nog';
import { failureResponse } from './internal/failure.js';
import { createGate } from './internal/gate.js';
import { recallNogAuth, rememberNogAuth } from './internal/registry.js';
import { withPrefixInUrl } from './internal/target.js';
import type { NogAuth, NogHookOptions, NogProxyOptions, NogVerifierSource } from './types.js';

/**
 * Options of {@link createNogAuthenticator}, `withNogAuth` and the Hono middleware: a verifier (or its options),
 * proxy settings and `onFailure`.
 */
export type NogFetchAuthOptions = NogVerifierSource & NogProxyOptions<Request> & NogHookOptions;

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
 * `{"statusCode":401,"errorCode":"ERR_AUTH_...","message":"..."}` as the original Nog server answered and
 * `WWW-Authenticate: nog-v1`, or 503 with `Retry-After` when the nonce store failed (never a pass). Uses only
 * standard globals.
 */
export function createNogAuthenticator(options: NogFetchAuthOptions): NogAuthenticator {
  // The verifier reads the absolute URL itself (one parse): a fragment in it is refused after the signature.
  const gate = createGate(options, withPrefixInUrl);
  const answer = (request: Request, result: VerifyResult): NogAuth | Response => {
    if (!result.ok) {
      const { status, headers, body } = failureResponse(result);
      return new Response(body, { status, headers });
    }
    rememberNogAuth(request, result);
    return result;
  };
  // Not an async function (one promise less per request), with an async function's outcomes: what throws rejects.
  return (request: Request): Promise<NogAuth | Response> => {
    let verdict: Promise<VerifyResult>;
    try {
      verdict = gate(request, request.method, request.url);
    } catch (err) {
      return Promise.reject(err);
    }
    return verdict.then((result) => answer(request, result));
  };
}
