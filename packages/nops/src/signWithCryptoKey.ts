import { NopsError } from './errors.js';
import { checkCryptoKey, isCryptoKey } from './internal/keyInput.js';
import type { SignCrypto } from './internal/provider.js';
import { webSignature } from './internal/crypto-web.js';
import type { MessageOptions } from './message.js';
import { signWith, type SignResult } from './sign.js';
import type { CryptoKeyLike } from './types.js';

export interface SignWithCryptoKeyOptions extends MessageOptions {
  /**
   * A private WebCrypto `CryptoKey` for RSASSA-PKCS1-v1_5 with SHA-256, with the usage `sign`, of 1024 to 16384 bits
   * (what a browser should hold anyway: imported once as non-extractable, or generated, and kept in IndexedDB).
   */
  readonly privateKey: CryptoKeyLike;
}

// Signing with nothing but a CryptoKey: no PEM, DER, JWK or KeyObject code, so a bundle of this export alone is
// the message rules and one crypto.subtle.sign.
const cryptoKeySign: SignCrypto = {
  key(input) {
    if (!isCryptoKey(input)) {
      throw new NopsError('ERR_INVALID_ARGUMENT', 'privateKey must be a CryptoKey (sign takes PEM, JWK and KeyObject keys)');
    }
    return checkCryptoKey(input, 'private', 'privateKey');
  },
  sign: webSignature,
};

/**
 * `sign` for a `CryptoKey` only, over WebCrypto in every build: the same result, the same checks of the request
 * and the key, without the key import code that `sign` carries for PEM, JWK and KeyObject keys (a browser bundle
 * of this export is a little over half of one of `sign`). Any other key is `ERR_INVALID_ARGUMENT`.
 */
export const signWithCryptoKey: (url: string, options: SignWithCryptoKeyOptions) => Promise<SignResult> =
  /* @__PURE__ */ signWith(cryptoKeySign);
