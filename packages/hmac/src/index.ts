/**
 * @reqsign/hmac: the HMAC-SHA256 building block of reqsign's HMAC schemes. This entry uses WebCrypto only
 * (browsers, Deno, Bun, workers, and Node via `@reqsign/hmac/webcrypto`); Node's default entry (`node.ts`) makes the
 * same provider on node:crypto, synchronous.
 */
import type { HmacErrorClass, HmacProvider } from './api.js';
import { webHmacProvider } from './internal/crypto-web.js';

export * from './api.js';

/**
 * A provider on WebCrypto with a key cache of its own ({@link KEY_CACHE_SIZE} secrets); its failures are `Err`s
 * (the calling scheme's error class; default `CanonicalError`).
 */
export const createHmacProvider: (Err?: HmacErrorClass) => HmacProvider = webHmacProvider;
