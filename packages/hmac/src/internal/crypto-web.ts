import { assertString, boundedCache, CanonicalError, randomFill, subtleCrypto, toHex, utf8 } from '@reqsign/canonical';
import { type HmacErrorClass, type HmacProvider, KEY_CACHE_SIZE } from '../api.js';

/**
 * WebCrypto: `crypto.subtle` HMAC with a cached CryptoKey per secret, `crypto.getRandomValues`. Failures are `Err`s.
 * An empty secret is imported as the one byte 0x00: HMAC pads a short key with zeros to the block, so both are the
 * same key, and WebCrypto refuses a raw key of no bytes.
 */
export function webHmacProvider(Err: HmacErrorClass = CanonicalError): HmacProvider {
  if (typeof Err !== 'function') throw new CanonicalError('ERR_INVALID_ARGUMENT', 'Err must be an error class');
  const keys = boundedCache<string, Promise<CryptoKey>>(KEY_CACHE_SIZE);
  const toKey = (secret: string): Promise<CryptoKey> =>
    subtleCrypto(Err).importKey(
      'raw',
      (secret ? utf8(secret) : new Uint8Array(1)) as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  return {
    async hmacHex(secret: string, data: string): Promise<string> {
      assertString(secret, 'secret', Err);
      assertString(data, 'data', Err);
      const key = await keys.get(secret, toKey);
      return toHex(new Uint8Array(await subtleCrypto(Err).sign('HMAC', key, utf8(data) as Uint8Array<ArrayBuffer>)));
    },
    randomFill(bytes: Uint8Array): void {
      randomFill(bytes, Err);
    },
  };
}
