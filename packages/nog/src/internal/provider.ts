/**
 * The only part of the package that differs between runtimes: HMAC-SHA256 and randomness. node:crypto answers
 * synchronously; WebCrypto with a promise. Everything else is shared. (@reqsign/nops has the same contract, under the
 * same name, for RSA.)
 */
export interface CryptoProvider {
  /** Lowercase hex HMAC-SHA256 over the UTF-8 bytes of `data`, keyed with the UTF-8 bytes of `secret`. */
  hmacHex(secret: string, data: string): string | Promise<string>;
  /** Fills `bytes` from a CSPRNG. */
  randomFill(bytes: Uint8Array): void;
}

/** A provider whose HMAC answers at once (node:crypto). */
export interface SyncCryptoProvider extends CryptoProvider {
  hmacHex(secret: string, data: string): string;
}

/** How many derived keys (KeyObject / CryptoKey / key pads) a provider keeps, one per distinct secret. */
export const KEY_CACHE_SIZE = 256;
