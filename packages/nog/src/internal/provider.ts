/**
 * The only part of the package that differs between runtimes: HMAC-SHA256 and randomness. node:crypto answers
 * synchronously; WebCrypto with a promise. Everything else is shared.
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

/** How many derived keys (KeyObject / CryptoKey) a provider keeps, one per distinct secret. */
export const KEY_CACHE_SIZE = 256;

/** A small map that forgets its oldest entry when full: derived keys for the most recent secrets. */
export function boundedGet<V>(cache: Map<string, V>, secret: string, make: (secret: string) => V): V {
  let value = cache.get(secret);
  if (value === undefined) {
    if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    value = make(secret);
    cache.set(secret, value);
  }
  return value;
}
