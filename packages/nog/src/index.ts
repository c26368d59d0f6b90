/**
 * @reqsign/nog: nog-v1 signed URLs, the HMAC-SHA256 scheme of the Nog data-management system. This entry uses
 * WebCrypto only (browsers, Deno, Bun, workers, and Node via `@reqsign/nog/webcrypto`); Node's default entry
 * (`node.ts`) binds the same operations to node:crypto.
 */
import { createNogFetchWith, type NogFetch, type NogFetchOptions } from './fetch.js';
import { webCrypto } from './internal/crypto-web.js';
import { signWith, type SignFunction } from './sign.js';
import { createVerifierWith, type Verifier, type VerifierOptions } from './verify.js';

export * from './api.js';

/** Signs a request: see {@link SignFunction}. */
export const sign: SignFunction = /* @__PURE__ */ signWith(webCrypto);
/** Builds a verifier from its options. */
export const createVerifier: (options: VerifierOptions) => Verifier = /* @__PURE__ */ createVerifierWith(webCrypto);
/** A fetch that signs each request at send time. */
export const createNogFetch: (options: NogFetchOptions) => NogFetch = /* @__PURE__ */ createNogFetchWith(sign);
