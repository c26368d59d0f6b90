export {
  createRedisNonceStore,
  type RedisNonceStore,
  type RedisNonceStoreOptions,
  type RedisClientLike,
  type NonceClaim,
  type NonceStore,
} from './redisNonceStore.js';
export { RedisNonceStoreError, type RedisNonceStoreErrorCode } from './errors.js';
