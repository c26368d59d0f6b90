import { toHex } from '@reqsign/canonical';
import { NogError } from '../errors.js';
import { boundedGet, type CryptoProvider } from './provider.js';

const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);
const keys = new Map<string, Promise<CryptoKey>>();

// A page served over plain http (other than localhost) has crypto.getRandomValues but no crypto.subtle.
const unavailable = (what: string): NogError =>
  new NogError('ERR_CRYPTO_UNAVAILABLE', `${what} is not available (browsers offer it only in secure contexts: https, localhost)`);

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw unavailable('crypto.subtle');
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
    const c = globalThis.crypto;
    if (typeof c?.getRandomValues !== 'function') throw unavailable('crypto.getRandomValues');
    c.getRandomValues(bytes);
  },
};
