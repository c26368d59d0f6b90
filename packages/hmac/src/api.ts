import type { ErrorClass } from '@reqsign/canonical';

/**
 * What an HMAC scheme's operations are bound to: HMAC-SHA256 and randomness. node:crypto answers synchronously
 * ({@link SyncHmacProvider}); WebCrypto with a promise.
 */
export interface HmacProvider {
  /**
   * Lowercase hex HMAC-SHA256 over the UTF-8 bytes of `data`, keyed with the UTF-8 bytes of `secret` (a key longer
   * than the 64-byte block is hashed first, RFC 2104). Lone surrogates in either are encoded as U+FFFD (EF BF BD), as
   * every WHATWG encoder does.
   */
  hmacHex(secret: string, data: string): string | Promise<string>;
  /** Fills `bytes` from a CSPRNG. */
  randomFill(bytes: Uint8Array): void;
}

/** A provider whose HMAC answers at once (node:crypto). */
export interface SyncHmacProvider extends HmacProvider {
  hmacHex(secret: string, data: string): string;
}

/** The error class a provider throws (the calling scheme's own): `ERR_INVALID_ARGUMENT`, `ERR_CRYPTO_UNAVAILABLE`. */
export type HmacErrorClass = ErrorClass<'ERR_INVALID_ARGUMENT' | 'ERR_CRYPTO_UNAVAILABLE'>;

/** How many derived keys (key pads, KeyObject or CryptoKey) a provider keeps: one per distinct secret, the oldest forgotten first. */
export const KEY_CACHE_SIZE = 256;
