/**
 * @reqsign/nog: nog-v1 signed URLs, the HMAC-SHA256 scheme of the Nog data-management system. This entry uses
 * WebCrypto only (browsers, Deno, Bun, workers, and Node via `@reqsign/nog/webcrypto`); Node's default entry has
 * the same API over node:crypto.
 */
import { createNogFetchFactory, type NogFetch, type NogFetchOptions } from './fetch.js';
import { webCrypto } from './internal/crypto-web.js';
import { createSign, type SignFunction } from './sign.js';
import { createVerifierFactory, type Verifier, type VerifierOptions } from './verify.js';

export { NogError, type NogErrorCode, type NogAuthErrorCode } from './errors.js';
export { DEFAULT_SIGN_EXPIRES, type NogKey, type SignOptions, type SignResult, type SignFunction } from './sign.js';
export {
  VERIFIER_DEFAULTS,
  type KeyLookup,
  type Verifier,
  type VerifierOptions,
  type VerifyResult,
  type VerifySuccess,
  type VerifyFailure,
} from './verify.js';
export { MemoryNonceStore, DEFAULT_MAX_NONCES, type NonceStore, type NonceClaim, type MemoryNonceStoreOptions } from './nonceStore.js';
export type { NogFetch, NogFetchOptions } from './fetch.js';

/** Signs a request: see {@link SignFunction}. */
export const sign: SignFunction = /* @__PURE__ */ createSign(webCrypto);
/** Builds a verifier from its options. */
export const createVerifier: (options: VerifierOptions) => Verifier = /* @__PURE__ */ createVerifierFactory(webCrypto);
/** A fetch that signs each request at send time. */
export const createNogFetch: (options: NogFetchOptions) => NogFetch = /* @__PURE__ */ createNogFetchFactory(sign);
