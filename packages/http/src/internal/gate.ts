import { assertString } from '@reqsign/canonical';
import { NogError, type VerifyResult } from '@reqsign/nog';
import type { NogHookOptions, NogProxyOptions, NogVerifierSource } from '../types.js';
import { checkOnFailure, reportFailure } from './hooks.js';
import { checkMountPrefix } from './target.js';
import { verifyCandidates } from './verifyCandidates.js';
import { checkOriginalUrl, verifierOf } from './verifier.js';

/** The options every integration shares: where the verifier comes from, proxy settings, hooks. */
export type GateOptions<Req> = NogVerifierSource & NogProxyOptions<Req> & NogHookOptions;

/** Verifies one request, given its method and the URL it arrived with; failures are reported to `onFailure`. */
export type Gate<Req> = (request: Req, method: string, received: string) => Promise<VerifyResult>;

/**
 * The one verification path of every integration (fetch API, Node, Hono, Fastify, Koa): the options checked once,
 * then per request the URL the client signed (`originalUrl`, or the received one with `mountPrefix` put back, as
 * `candidatesOf` says for this kind of URL), verified, and a failure reported.
 */
export function createGate<Req>(options: GateOptions<Req>, candidatesOf: (prefix: string, received: string) => string[]): Gate<Req> {
  const verifier = verifierOf(options);
  const mountPrefix = checkMountPrefix(options.mountPrefix);
  const originalUrl = checkOriginalUrl(options.originalUrl);
  const onFailure = checkOnFailure(options.onFailure);
  const gate: Gate<Req> = async (request, method, received) => {
    const original = originalUrl?.(request);
    // A request with no URL string is refused the way the verifier refuses one, before a prefix goes on.
    if (typeof original !== 'string') assertString(received, 'url', NogError);
    const candidates = typeof original === 'string' ? [original] : candidatesOf(mountPrefix, received);
    const result = await verifyCandidates(verifier, method, candidates);
    if (!result.ok) reportFailure(onFailure, result, method, candidates[0]!);
    return result;
  };
  if (originalUrl !== undefined || mountPrefix !== '') return gate;
  // No proxy options, the usual case: the one candidate is the received URL, and the verifier's own promise is the
  // answer (no async frames of ours in between, each a promise and a microtask per request).
  return (request, method, received) => {
    if (typeof received !== 'string') return gate(request, method, received);
    let verdict: VerifyResult | Promise<VerifyResult>;
    try {
      verdict = verifier.verify(method, received);
    } catch (err) {
      return Promise.reject(err);
    }
    if (onFailure === undefined && verdict instanceof Promise) return verdict;
    return Promise.resolve(verdict).then((result) => {
      if (!result.ok) reportFailure(onFailure, result, method, received);
      return result;
    });
  };
}
