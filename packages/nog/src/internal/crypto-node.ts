import { createHmac, createSecretKey, randomFillSync, type KeyObject } from 'node:crypto';
import { boundedGet, type SyncCryptoProvider } from './provider.js';

const keys = new Map<string, KeyObject>();
const toKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

/** node:crypto: synchronous HMAC with a cached KeyObject per secret. */
export const nodeCrypto: SyncCryptoProvider = {
  hmacHex(secret: string, data: string): string {
    return createHmac('sha256', boundedGet(keys, secret, toKey)).update(data, 'utf8').digest('hex');
  },
  randomFill(bytes: Uint8Array): void {
    randomFillSync(bytes);
  },
};
