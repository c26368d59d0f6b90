import { ReqsignError } from '@reqsign/canonical';

/** One nonce to claim: scoped by key id and authdate, kept until `expiresAt`, at the verifier's time `now`. */
export interface NonceClaim {
  readonly keyId: string;
  /** The authdate exactly as sent (`YYYY-MM-DDTHHMMSSZ`). */
  readonly authdate: string;
  readonly nonce: string;
  /** Milliseconds since the epoch after which the signature can no longer be valid: its deadline. */
  readonly expiresAt: number;
  /**
   * The verifier's clock when it claims, in milliseconds since the epoch. A store reads no clock of its own: what
   * has expired is decided by the same clock that decided the signature was still valid.
   */
  readonly now: number;
}

/**
 * Where a verifier remembers the nonces it has seen. `claim` is an atomic claim-if-absent: true when the
 * (keyId, authdate, nonce) triple is new (and is now remembered until `expiresAt`), false when it was seen before.
 * It throws or rejects when the store cannot answer (a {@link NonceStoreError}, by convention); the verifier then
 * fails closed with `ERR_AUTH_NONCE_STORE` (HTTP 503). Key ids are attacker-controlled strings: a store must scope
 * the triple unambiguously (no naive `:` joining).
 */
export interface NonceStore {
  claim(claim: NonceClaim): boolean | Promise<boolean>;
}

/**
 * Why a nonce store could not answer a claim. Every store of reqsign throws these codes; the verifier answers any
 * of them with `ERR_AUTH_NONCE_STORE`.
 *
 * - `ERR_NONCE_STORE_FULL`: the store holds as many live nonces as it may and refuses a new one (never forgets a
 *   live one to make room, so a replay is never accepted).
 * - `ERR_NONCE_STORE_UNAVAILABLE`: the store cannot be reached or used (not connected, out of memory, an error).
 * - `ERR_NONCE_STORE_TIMEOUT`: no answer within the store's time limit.
 * - `ERR_NONCE_STORE_REPLY`: an answer the store does not understand.
 */
export type NonceStoreErrorCode =
  | 'ERR_NONCE_STORE_FULL'
  | 'ERR_NONCE_STORE_UNAVAILABLE'
  | 'ERR_NONCE_STORE_TIMEOUT'
  | 'ERR_NONCE_STORE_REPLY';

/** A claim that a nonce store could not answer. Messages are fixed and never contain a key id or nonce. */
export class NonceStoreError extends ReqsignError<NonceStoreErrorCode> {}
