/**
 * The only part of the package that differs between runtimes: HMAC-SHA256 and randomness, from @reqsign/hmac (the
 * shared building block of reqsign's HMAC schemes). node:crypto answers synchronously; WebCrypto with a promise.
 */
export type { HmacProvider as CryptoProvider, SyncHmacProvider as SyncCryptoProvider } from '@reqsign/hmac';
