import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { failureResponse } from './internal/failure.js';
import { createGate } from './internal/gate.js';
import { checkRewriteUrl, receivedUrl, rewriteNodeRequest, stripAuthParameters } from './internal/node.js';
import { checkPassPreflight, isPreflight } from './internal/preflight.js';
import { rememberNogAuth } from './internal/registry.js';
import { withPrefix } from './internal/target.js';
import type { NogAuth, NogHookOptions, NogPreflightOptions, NogProxyOptions, NogVerifierSource } from './types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `@reqsign/http/fastify` for a request whose nog-v1 signature holds. */
    nogAuth?: NogAuth | undefined;
  }
}

/** Options of the Fastify plugin: a verifier (or its options), proxy settings, `onFailure`, `rewriteUrl`. */
export type NogAuthOptions = NogVerifierSource &
  NogProxyOptions<FastifyRequest> &
  NogHookOptions &
  NogPreflightOptions & {
    /** Remove the auth parameters from `request.url` and `request.query` after a success (default true). */
    readonly rewriteUrl?: boolean | undefined;
  };

/**
 * A Fastify plugin: an `onRequest` hook that verifies each request's nog-v1 signature (the raw request line, as the
 * client signed it) and, when it holds, sets `request.nogAuth`; otherwise it answers 401 (`WWW-Authenticate:
 * nog-v1`) or 503 (`Retry-After`) with the original Nog server's JSON body, and no handler runs. Like a plugin made
 * with fastify-plugin, it applies to the scope it is registered in, so register it inside a scoped plugin to
 * protect only some routes.
 *
 * ```ts
 * await app.register(nogAuth, { keys });
 * app.get('/api/blobs/:id', (request) => ({ keyId: request.nogAuth!.keyId }));
 * ```
 */
export const nogAuth: FastifyPluginAsync<NogAuthOptions> = Object.assign(
  async (fastify: Parameters<FastifyPluginAsync<NogAuthOptions>>[0], options: NogAuthOptions): Promise<void> => {
    // Fastify hands a plugin its options plus its own keys (prefix, logLevel, ...): only ours go on.
    const {
      prefix: _prefix,
      logLevel: _logLevel,
      logSerializers: _logSerializers,
      ...own
    } = options as NogAuthOptions & Record<string, unknown>;
    const gate = createGate(own as NogAuthOptions, withPrefix);
    const rewriteUrl = checkRewriteUrl(own.rewriteUrl);
    const passPreflight = checkPassPreflight(own.passPreflight);
    fastify.decorateRequest('nogAuth', undefined);
    fastify.addHook('onRequest', async (request, reply) => {
      // @fastify/cors answers a preflight in its OPTIONS route, which runs after the onRequest hooks.
      const method = request.raw.method ?? '';
      if (passPreflight && method === 'OPTIONS' && isPreflight(method, (name) => request.headers[name])) return undefined;
      const result = await gate(request, method, receivedUrl(request.raw));
      if (!result.ok) {
        const { status, headers, body } = failureResponse(result);
        return reply.code(status).headers(headers).send(body);
      }
      request.nogAuth = result;
      rememberNogAuth(request, result);
      if (rewriteUrl) {
        rewriteNodeRequest(request.raw, result);
        stripAuthParameters(request.query);
      }
      return undefined;
    });
  },
  // What fastify-plugin sets: the hook applies to the scope that registers the plugin, not to a child scope.
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@reqsign/http/fastify' },
);

export type { NogAuth, NogFailureEvent } from './types.js';
