import { messageOf } from './internal/messageOf.js';
import type { SignCrypto } from './internal/provider.js';
import { SIGNING, type MessageOptions } from './message.js';
import type { PrivateKeyInput } from './types.js';

export interface SignOptions extends MessageOptions {
  /** The private RSA key (at least 1024 bits; 2048 recommended). */
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

/** Binds `sign` to the signing part of a crypto provider. */
export function signWith(crypto: SignCrypto): SignFunction {
  return async function sign(url, options) {
    const m = messageOf(url, options, SIGNING);
    const pending = crypto.key(options.privateKey, 'private');
    const key = pending instanceof Promise ? await pending : pending;
    const result = crypto.sign(key, m.message);
    const signature = typeof result === 'string' ? result : await result;
    return {
      url: m.url,
      target: m.target,
      message: m.message,
      signature,
      headers: { ...m.headers, 'x-nops-signature': signature },
    };
  };
}
