/** Signed nog-v1 URLs for the suites that fuzz what sits behind a verifier (nog itself, the HTTP integrations). */
import fc from 'fast-check';
import * as nodeNog from '@reqsign/nog';
import { parseReceivedTarget } from '@reqsign/canonical';
import { urlish } from './arbitraries.js';

export const SECRET = 'fuzz-secret-9f8e7d6c5b4a39281706';
export const KEY = { id: 'fuzzkey0123456789abc', secret: SECRET };
/** The authdate of every signed URL; a verifier's clock at `DATE + 1000` accepts them. */
export const DATE = Date.UTC(2026, 0, 2, 3, 4, 5);

/** Every target the signer produced (path and query, as signed): a request may pass only with one of these. */
export const SIGNED_TARGETS: Set<string> = new Set();

/** `GET` URLs signed with {@link KEY} at {@link DATE}: what a client sends, before a hostile hand changes it. */
export const signedUrls: fc.Arbitrary<string> = fc
  .tuple(urlish, fc.boolean(), fc.integer({ min: 0, max: 900 }))
  .map(([path, withNonce, expires]) => {
    try {
      const url = nodeNog.signSync('GET', path.startsWith('/') || path.startsWith('http') ? path : `/${path}`, KEY, {
        date: DATE,
        expires,
        nonce: withNonce ? '0123456789' : false,
      }).url;
      SIGNED_TARGETS.add(parseReceivedTarget(url).target);
      return url;
    } catch {
      return `/p?${path}`;
    }
  });

/** Whether a request verified with `method` and `url` was one the signer made: its method and its target, unchanged. */
export function wasSigned(method: string, url: string): boolean {
  try {
    return method === 'GET' && SIGNED_TARGETS.has(parseReceivedTarget(url).target);
  } catch {
    return false;
  }
}
