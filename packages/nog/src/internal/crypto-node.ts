import { createHmacProvider } from '@reqsign/hmac';
import { NogError } from '../errors.js';
import type { SyncCryptoProvider } from './provider.js';

/** node:crypto (the `node` condition of @reqsign/hmac): its synchronous provider, failing with NogErrors. */
export const nodeCrypto: SyncCryptoProvider = /* @__PURE__ */ createHmacProvider(NogError);
