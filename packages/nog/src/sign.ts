import { formatUrl } from '@reqsign/canonical';
import { createNonceSource } from './internal/nonce.js';
import { DEFAULT_SIGN_EXPIRES, prepare, type Checked, type Prepared } from './internal/prepare.js';
import type { CryptoProvider, SyncCryptoProvider } from './internal/provider.js';

/** A nog-v1 key: the id sent in the URL and the secret that keys the HMAC (its UTF-8 bytes, never hex-decoded). */
export interface NogKey {
  readonly id: string;
  readonly secret: string;
}

export interface SignOptions {
  /**
   * The authdate: a Date or **milliseconds** since the epoch (milliseconds are dropped), or the authdate itself as
   * `YYYY-MM-DDTHHMMSSZ` (read strictly: `ERR_DATE_FORMAT`, `ERR_DATE_RANGE`); default now. Checked before anything
   * else, as nog-v1 orders the signer's checks.
   */
  readonly date?: Date | number | string | undefined;
  /**
   * **Seconds** the signature stays valid after `date` (the `authexpires` parameter), default 600: a whole number
   * from 0 whose deadline, `date + expires`, is not after 9999-12-31T23:59:59Z. (A verifier accepts at most 3600 with
   * a nonce by default.)
   */
  readonly expires?: number | undefined;
  /**
   * The `authnonce`: default 20 random lowercase hex characters from a CSPRNG; a string of `A-Z a-z 0-9 - . _ ~`
   * to choose one; `false` to send no nonce (the request can then be replayed until it expires).
   */
  readonly nonce?: string | false | undefined;
  /**
   * The longest signed URL made, in UTF-16 code units, the fragment not counted (it is not sent): default 16384, the
   * verifier's `maxUrlLength`, so that what `sign` makes a verifier with the same limit takes. Longer is
   * `ERR_TARGET_TOO_LONG`.
   */
  readonly maxUrlLength?: number | undefined;
}

/** A signed request and its stages, for diagnostics. */
export interface SignResult {
  /** The signed URL in the form given (absolute in, absolute out), with any fragment back at the end. */
  readonly url: string;
  /** The signed target: path, query and the auth parameters, without `authsignature`. */
  readonly target: string;
  /** `METHOD + "\n" + target + "\n"`: what the HMAC is over. */
  readonly stringToSign: string;
  /** Lowercase hex HMAC-SHA256, sent as the last parameter `authsignature`. */
  readonly signature: string;
  /** The `authdate` sent, `YYYY-MM-DDTHHMMSSZ`. */
  readonly authdate: string;
  /** The `authexpires` sent, in seconds. */
  readonly expires: number;
  /** The `authnonce` sent, or null when none was. */
  readonly nonce: string | null;
}

export type SignFunction = (method: string, url: string, key: NogKey, options?: SignOptions) => Promise<SignResult>;

export { DEFAULT_SIGN_EXPIRES };

function finish(p: Prepared, signature: string): SignResult {
  return {
    url: formatUrl(p, `${p.target}&authsignature=${signature}`),
    target: p.target,
    stringToSign: p.stringToSign,
    signature,
    authdate: p.authdate,
    expires: p.expires,
    nonce: p.nonce,
  };
}

/** Binds `sign` to a crypto provider. */
export function signWith(provider: CryptoProvider): SignFunction {
  const nextNonce = createNonceSource(provider.randomFill);
  const checked: Checked = { method: null, id: null };
  // Not an async function: with a synchronous HMAC the result is ready at once, so skip the async machinery.
  return function sign(method, url, key, options) {
    try {
      const p = prepare(checked, nextNonce, method, url, key, options);
      const hex = provider.hmacHex(p.secret, p.stringToSign);
      return typeof hex === 'string' ? Promise.resolve(finish(p, hex)) : hex.then((h) => finish(p, h));
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/** The synchronous `sign` of the node build: the result instead of a promise. */
export type SignSyncFunction = (method: string, url: string, key: NogKey, options?: SignOptions) => SignResult;

/** Binds a synchronous `sign` to a provider whose HMAC is synchronous (node:crypto). */
export function signSyncWith(provider: SyncCryptoProvider): SignSyncFunction {
  const nextNonce = createNonceSource(provider.randomFill);
  const checked: Checked = { method: null, id: null };
  return function signSync(method, url, key, options) {
    const p = prepare(checked, nextNonce, method, url, key, options);
    return finish(p, provider.hmacHex(p.secret, p.stringToSign));
  };
}
