import { defaultWarningHandler, type ReqsignWarning, type WarningHandler } from '@reqsign/canonical';
import { NogError } from './errors.js';
import { createNonceSource } from './internal/nonce.js';
import { DEFAULT_SIGN_EXPIRES, prepare, type Prepared, uncheckedState } from './internal/prepare.js';
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
  /**
   * Where a warning goes when the request is signed but no usual server will take it ({@link NogWarningCode}):
   * default Node's `process.emitWarning` (type `ReqsignWarning`; `console.warn` where there is no `process`), each
   * distinct warning once per process. A function of yours is called with `{ code, message }` every time (one that
   * throws makes `sign` reject: a test can turn warnings into errors).
   */
  readonly onWarning?: WarningHandler | undefined;
}

/**
 * The warnings of `sign` (and of `createNogFetch`, which signs with it):
 * - `WARN_SIGN_METHOD_CASE`: a method with lowercase letters (`get`), signed as given as nog-v1 requires, which no
 *   usual client sends (fetch sends `GET`);
 * - `WARN_SIGN_EXPIRES_NONCE`: `expires` above 3600 seconds with a nonce, which a verifier with the default
 *   `maxExpiresWithNonce` refuses (`ERR_AUTH_EXPIRES_INVALID`).
 */
export type NogWarningCode = 'WARN_SIGN_METHOD_CASE' | 'WARN_SIGN_EXPIRES_NONCE';

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
export type { ReqsignWarning, WarningHandler };

/**
 * The default verifier's largest `authexpires` with a nonce (`VERIFIER_DEFAULTS.maxExpiresWithNonce`, held equal by a
 * test), kept here so that a bundle of `sign` carries no verifier.
 */
const MAX_EXPIRES_WITH_NONCE = 3600;

/**
 * Warns of what `sign` made but a usual server refuses. A method that drew no warning is not looked at again (a client
 * signs with few methods), so the common case costs a comparison.
 */
function createWarner(): (p: Prepared, method: string, options: SignOptions | undefined) => void {
  let quiet: string | null = null;
  return (p, method, options) => {
    const handler = options?.onWarning ?? defaultWarningHandler;
    if (typeof handler !== 'function') throw new NogError('ERR_INVALID_ARGUMENT', 'options.onWarning must be a function');
    // Letters only, some lowercase (as the CLI warns): `get`, `Post`; not `GET`, not `M-SEARCH`.
    if (method !== quiet && /^[A-Za-z]*[a-z][A-Za-z]*$/.test(method)) {
      handler({
        code: 'WARN_SIGN_METHOD_CASE',
        message: `method "${method}" is signed as given, but clients send "${method.toUpperCase()}"`,
      });
    } else quiet = method;
    if (p.nonce !== null && p.expires > MAX_EXPIRES_WITH_NONCE) {
      handler({
        code: 'WARN_SIGN_EXPIRES_NONCE',
        message: `expires ${p.expires} is above ${MAX_EXPIRES_WITH_NONCE}: default verifiers refuse it with a nonce`,
      });
    }
  };
}

function finish(p: Prepared, signature: string): SignResult {
  return {
    // formatUrl's concatenation, without its argument checks (prepare made every part).
    url: p.fragment === null ? `${p.signedUrl}&authsignature=${signature}` : `${p.signedUrl}&authsignature=${signature}#${p.fragment}`,
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
  const checked = uncheckedState();
  const warn = createWarner();
  // Not an async function: with a synchronous HMAC the result is ready at once, so skip the async machinery.
  return function sign(method, url, key, options) {
    try {
      const p = prepare(checked, nextNonce, method, url, key, options);
      warn(p, method, options);
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
  const checked = uncheckedState();
  const warn = createWarner();
  return function signSync(method, url, key, options) {
    const p = prepare(checked, nextNonce, method, url, key, options);
    warn(p, method, options);
    return finish(p, provider.hmacHex(p.secret, p.stringToSign));
  };
}
