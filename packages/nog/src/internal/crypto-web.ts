import { createHmacProvider } from '@reqsign/hmac/webcrypto';
import { NogError } from '../errors.js';
import type { CryptoProvider } from './provider.js';

/** WebCrypto: @reqsign/hmac's provider, failing with NogErrors. */
export const webCrypto: CryptoProvider = /* @__PURE__ */ createHmacProvider(NogError);
