import { ReqsignError } from '@reqsign/canonical';

/** Every error code that @reqsign/nog-redis throws. */
export type RedisNonceStoreErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_NONCE_STORE_UNAVAILABLE'
  | 'ERR_NONCE_STORE_TIMEOUT'
  | 'ERR_NONCE_STORE_REPLY';

/**
 * A failed claim or a bad option: a {@link ReqsignError} like every reqsign error. A verifier turns any claim
 * failure into `ERR_AUTH_NONCE_STORE` (HTTP 503): the request is refused, never accepted. Messages are fixed and
 * never contain a key id or nonce.
 */
export class RedisNonceStoreError extends ReqsignError<RedisNonceStoreErrorCode> {}
