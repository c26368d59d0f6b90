import { boundedCache, randomFill, subtleCrypto, toHex, utf8 } from '@reqsign/canonical';
import { NogError } from '../errors.js';
import { KEY_CACHE_SIZE, type CryptoProvider } from './provider.js';

const keys = /* @__PURE__ */ boundedCache<string, Promise<CryptoKey>>(KEY_CACHE_SIZE);
const toKey = (secret: string): Promise<CryptoKey> =>
  subtleCrypto(NogError).importKey('raw', utf8(secret) as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);

/** WebCrypto: `crypto.subtle` HMAC with a cached CryptoKey per secret, `crypto.getRandomValues`. */
export const webCrypto: CryptoProvider = {
  async hmacHex(secret: string, data: string): Promise<string> {
    const key = await keys.get(secret, toKey);
    return toHex(new Uint8Array(await subtleCrypto(NogError).sign('HMAC', key, utf8(data) as Uint8Array<ArrayBuffer>)));
  },
  randomFill(bytes: Uint8Array): void {
    randomFill(bytes, NogError);
  },
};
