// What both builds export besides the operations, which each build binds to its crypto provider.
export { NogError, type NogErrorCode, type NogAuthErrorCode } from './errors.js';
// The base class of every reqsign error, and the error of canonical's checks that sign passes through: one import
// catches any of them (`e instanceof ReqsignError`).
export { ReqsignError, CanonicalError } from '@reqsign/canonical';
export {
  DEFAULT_SIGN_EXPIRES,
  type NogKey,
  type SignOptions,
  type SignResult,
  type SignFunction,
  type NogWarningCode,
  type ReqsignWarning,
  type WarningHandler,
} from './sign.js';
export {
  VERIFIER_DEFAULTS,
  VERIFIER_OPTION_NAMES,
  failureBody,
  type KeyLookup,
  type Verifier,
  type VerifierOptions,
  type VerifyResult,
  type VerifySuccess,
  type VerifyFailure,
  type VerifyFailureOf,
  type NogUnavailableCode,
} from './verify.js';
export { AUTH_PARAMETERS } from './internal/params.js';
export { NonceStoreError, scopedClaimOf, type NonceStore, type NonceClaim, type NonceStoreErrorCode } from './nonceStore.js';
export {
  MemoryNonceStore,
  DEFAULT_MAX_NONCES,
  MEMORY_STORE_IN_WORKER_WARNING,
  type MemoryNonceStoreOptions,
} from './memoryNonceStore.js';
export { retryOn503, type NogFetch, type NogFetchOptions, type NogKeyProvider } from './fetch.js';
export type { RetryOptions, RetryStrategy } from '@reqsign/canonical';
