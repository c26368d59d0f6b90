import type { ScopedNonceClaim } from '@reqsign/canonical';

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
 * nog's claim as the contract's, for any scheme's store (@reqsign/canonical's `ScopedNonceStore`): the scope
 * `[keyId, authdate]`, the deadline `expiresAt`.
 */
export const scopedClaimOf = (claim: NonceClaim): ScopedNonceClaim => ({
  scope: [claim.keyId, claim.authdate],
  nonce: claim.nonce,
  deadline: claim.expiresAt,
  now: claim.now,
});

// The failures are the contract's, for every scheme: one class, so `instanceof` holds whichever package threw.
export { NonceStoreError, type NonceStoreErrorCode } from '@reqsign/canonical';
