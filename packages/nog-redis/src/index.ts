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
export { NonceStoreError, type NonceStoreErrorCode } from '@reqsign/nog';
