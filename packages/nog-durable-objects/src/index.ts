export {
  createDurableObjectNonceStore,
  DEFAULT_CLAIM_TIMEOUT_MS,
  DEFAULT_SHARDS,
  DurableObjectNonceStore,
  type DurableObjectNonceStoreOptions,
  type ScopedClaim,
} from './durableObjectNonceStore.js';
export { NogNonceObject } from './nonceObject.js';
export type {
  NonceObjectNamespace,
  NonceObjectState,
  NonceObjectStorage,
  NonceObjectStub,
  NonceObjectTransaction,
} from './types.js';
// The errors the store throws (NogError for a bad option, NonceStoreError for a claim), and their base class: one
// import catches any of them.
export { NogError, NonceStoreError, type NogErrorCode, type NonceStoreErrorCode } from '@reqsign/nog';
export { ReqsignError } from '@reqsign/canonical';
