import { toHex } from '@reqsign/canonical';
import { boundedGet, type CryptoProvider } from './provider.js';

const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);
const keys = new Map<string, Promise<CryptoKey>>();

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new TypeError('WebCrypto (globalThis.crypto.subtle) is not available in this runtime');
  return s;
}

function toKey(secret: string): Promise<CryptoKey> {
  const key = subtle().importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  // A failed import must not stay cached.
  key.catch(() => keys.delete(secret));
  return key;
}

/** WebCrypto: `crypto.subtle` HMAC with a cached CryptoKey per secret, `crypto.getRandomValues`. */
export const webCrypto: CryptoProvider = {
  async hmacHex(secret: string, data: string): Promise<string> {
    const key = await boundedGet(keys, secret, toKey);
    return toHex(new Uint8Array(await subtle().sign('HMAC', key, utf8(data))));
  },
  randomFill(bytes: Uint8Array): void {
    globalThis.crypto.getRandomValues(bytes);
  },
};
