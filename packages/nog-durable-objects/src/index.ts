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
