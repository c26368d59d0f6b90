import type { NonceStoreErrorCode } from '@reqsign/nog';

/**
 * Why a claim failed, finer than its code (every failure is a `NonceStoreError`, and the verifier answers each with
 * `ERR_AUTH_NONCE_STORE`, HTTP 503):
 *
 * - `overloaded` (`ERR_NONCE_STORE_UNAVAILABLE`): `maxInFlight` claims were already waiting for Redis; refused at once.
 * - `disconnected` (`ERR_NONCE_STORE_UNAVAILABLE`): the client (or the cluster node for the key) is not connected.
 * - `error` (`ERR_NONCE_STORE_UNAVAILABLE`): Redis answered with an error (READONLY, CLUSTERDOWN, MOVED in a durable
 *   batch, ...) or the connection broke.
 * - `replicas` (`ERR_NONCE_STORE_UNAVAILABLE`): fewer replicas than `durability.replicas` acknowledged the claim within
 *   `durability.timeoutMs` (or Redis refused the write with NOREPLICAS).
 * - `full` (`ERR_NONCE_STORE_FULL`): Redis is at `maxmemory` and refused the write (OOM).
 * - `timeout` (`ERR_NONCE_STORE_TIMEOUT`): no answer within `timeoutMs`.
 * - `reply` (`ERR_NONCE_STORE_REPLY`): an answer other than OK or nil.
 */
export type RedisNonceStoreFailure = 'overloaded' | 'disconnected' | 'error' | 'replicas' | 'full' | 'timeout' | 'reply';

/** What happened to one claim, as `onClaim` hears it. `ms` is how long it took, on the monotonic clock. */
export type RedisClaimEvent =
  | { readonly result: 'accepted'; readonly ms: number }
  | { readonly result: 'replay'; readonly ms: number }
  | { readonly result: 'failed'; readonly ms: number; readonly code: NonceStoreErrorCode; readonly reason: RedisNonceStoreFailure };

/** The store's counters since it was created (`store.metrics()`): a snapshot, plain numbers. */
export interface RedisNonceStoreMetrics {
  /** Claims that were new: the verifier accepted the request. */
  readonly accepted: number;
  /** Claims of a nonce seen before: the verifier refused a replay (`ERR_AUTH_NONCE_INVALID`). */
  readonly replays: number;
  /** Failed claims by code; each failed the request closed (503). */
  readonly failures: Readonly<Record<NonceStoreErrorCode, number>>;
  /** The same failures by reason. */
  readonly reasons: Readonly<Record<RedisNonceStoreFailure, number>>;
  /**
   * Claims not done with Redis: waiting for their batch, or sent and unanswered (timed-out ones included, until Redis
   * answers them or the connection drops). At most `maxInFlight`.
   */
  readonly inFlight: number;
}
