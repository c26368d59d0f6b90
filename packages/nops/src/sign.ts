import { NopsError, keyError } from './errors.js';
import { messageOf } from './internal/messageOf.js';
import type { SignCrypto } from './internal/provider.js';
import { checkNames, MESSAGE_OPTION_NAMES, SIGNING, type MessageOptions } from './message.js';
import type { PrivateKeyInput } from './types.js';

export interface SignOptions extends MessageOptions {
  /** The private RSA key (1024 to 16384 bits; 2048 recommended). */
  readonly privateKey: PrivateKeyInput;
}

export interface SignResult {
  /** The URL to request: slash added if it was missing and, in query form, `api_key=<key>` appended. */
  readonly url: string;
  /** Path and query as sent: the signed target. */
  readonly target: string;
  /** `<client id>.<YYYY-MM-DD>.<target>`. */
  readonly message: string;
  /** Base64 (standard, padded, no newline) of the RSASSA-PKCS1-v1_5 / SHA-256 signature. */
  readonly signature: string;
  /** The headers to send, lowercase: `x-nops-signature`, plus `x-nops-api-key` in header form. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Signs a request for the nOps API: see {@link SignOptions}. */
export type SignFunction = (url: string, options: SignOptions) => Promise<SignResult>;

const SIGN_OPTION_NAMES: readonly string[] = [...MESSAGE_OPTION_NAMES, 'privateKey'];

/** Binds `sign` to the signing part of a crypto provider. */
export function signWith(crypto: SignCrypto): SignFunction {
  return async function sign(url, options) {
    checkNames(options, SIGN_OPTION_NAMES, 'sign');
    const m = messageOf(url, options, SIGNING);
    const key = await crypto.key(options.privateKey, 'private');
    let signature: string;
    try {
      signature = await crypto.sign(key, m.message);
    } catch (err) {
      // An imported key whose parts do not belong together (OpenSSL's ERR_OSSL_*, WebCrypto's bare DOMException):
      // the provider's error is dropped, it may describe the key.
      throw err instanceof NopsError ? err : keyError('privateKey could not sign (an inconsistent RSA key)');
    }
    return {
      url: m.url,
      target: m.target,
      message: m.message,
      signature,
      headers: { ...m.headers, 'x-nops-signature': signature },
    };
  };
}
