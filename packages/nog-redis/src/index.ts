export {
  createRedisNonceStore,
  type RedisNonceStore,
  type RedisNonceStoreOptions,
  type RedisClientLike,
  type NonceClaim,
} from './redisNonceStore.js';
export { RedisNonceStoreError, type RedisNonceStoreErrorCode } from './errors.js';
