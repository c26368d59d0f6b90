export {
  createRedisNonceStore,
  type RedisNonceStore,
  type RedisNonceStoreOptions,
  type RedisClientLike,
  type NonceClaim,
  type NonceStore,
} from './redisNonceStore.js';
export { NonceStoreError, type NonceStoreErrorCode } from '@reqsign/nog';
