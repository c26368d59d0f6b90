export {
  createRedisNonceStore,
  type RedisNonceStore,
  type RedisNonceStoreOptions,
  type NonceClaim,
  type NonceStore,
} from './redisNonceStore.js';
export { REDIS_NONCE_STORE_DEFAULTS } from './internal/options.js';
export type {
  RedisClientLike,
  RedisClusterLike,
  RedisClusterNodeLike,
  RedisSentinelLike,
  RedisSentinelLeaseLike,
  RedisConnectionLike,
} from './clients.js';
export type { RedisNonceStoreMetrics, RedisClaimEvent, RedisNonceStoreFailure } from './metrics.js';
// The errors the store throws (NogError for a bad option, NonceStoreError for a claim), and their base class.
export { NogError, NonceStoreError, type NogErrorCode, type NonceStoreErrorCode } from '@reqsign/nog';
export { ReqsignError } from '@reqsign/canonical';
