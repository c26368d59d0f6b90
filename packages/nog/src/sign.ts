import {
  isHttpToken,
  isUnreserved,
  assertObject,
  assertString,
  CanonicalError,
  formatDateTime,
  formatUrl,
  parseDateTime,
  parseRequestTarget,
} from '@reqsign/canonical';
import { NogError } from './errors.js';
import { DEFAULT_MAX_URL_LENGTH, MAX_DEADLINE_MS } from './internal/limits.js';
import { createNonceSource } from './internal/nonce.js';
import { AUTH_PARAMETERS } from './internal/params.js';
import type { CryptoProvider, SyncCryptoProvider } from './internal/provider.js';

/** A nog-v1 key: the id sent in the URL and the secret that keys the HMAC (its UTF-8 bytes, never hex-decoded). */
export interface NogKey {
  readonly id: string;
  readonly secret: string;
}

export interface SignOptions {
  /**
   * The authdate: a Date or milliseconds since the epoch (milliseconds are dropped), or the authdate itself as
   * `YYYY-MM-DDTHHMMSSZ` (read strictly: `ERR_DATE_FORMAT`, `ERR_DATE_RANGE`); default now. Checked before anything
   * else, as nog-v1 orders the signer's checks.
   */
  readonly date?: Date | number | string;
  /**
   * Seconds the signature stays valid after `date` (the `authexpires` parameter), default 600: a whole number from 0
   * whose deadline, `date + expires`, is not after 9999-12-31T23:59:59Z.
   */
  readonly expires?: number;
  /**
   * The `authnonce`: default 20 random lowercase hex characters from a CSPRNG; a string of `A-Z a-z 0-9 - . _ ~`
   * to choose one; `false` to send no nonce (the request can then be replayed until it expires).
   */
  readonly nonce?: string | false;
  /**
   * The longest signed URL made, in UTF-16 code units, the fragment not counted (it is not sent): default 16384, the
   * verifier's `maxUrlLength`, so that what `sign` makes a verifier with the same limit takes. Longer is
   * `ERR_TARGET_TOO_LONG`.
   */
  readonly maxUrlLength?: number;
}

/**
 * Whether a query already names an auth parameter, plain (`authexpires`, `authkeyid=x`) or percent-encoded
 * (`auth%6Beyid`): the verifier reads a repeated or an encoded one as `ERR_AUTH_MALFORMED`. A name with a malformed
 * escape decodes to no auth name, for the verifier as here.
 */
function hasAuthParameter(query: string): boolean {
  if (!query.includes('auth') && !query.includes('%')) return false;
  for (const segment of query.split('&')) {
    let name = segment.split('=', 1)[0]!;
    try {
      if (name.includes('%')) name = decodeURIComponent(name);
    } catch {
      // Not a name the verifier decodes to an auth name either.
    }
    if ((AUTH_PARAMETERS as readonly string[]).includes(name)) return true;
  }
  return false;
}

/** The length `&authsignature=` and 64 hex digits add to the target. */
const SIGNATURE_LENGTH = 79;
const DEFAULT_LIMIT = { maxLength: DEFAULT_MAX_URL_LENGTH };

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

/** The default `authexpires` of the signer, as the original Python client and bash tool: 600 seconds. */
export const DEFAULT_SIGN_EXPIRES = 600;

interface Prepared {
  readonly origin: string;
  readonly fragment: string | null;
  readonly target: string;
  readonly stringToSign: string;
  readonly secret: string;
  readonly authdate: string;
  readonly expires: number;
  readonly nonce: string | null;
}

/**
 * The last method and key id that passed validation: a client signs with one key and few methods. Null until a
 * first value passes, so that no string (not even `''`) skips the check on a fresh module.
 */
const checked: { method: string | null; id: string | null } = { method: null, id: null };

/** Validates the arguments and builds the string to sign: everything but the HMAC. */
function prepare(nextNonce: () => string, method: string, url: string, key: NogKey, options?: SignOptions): Prepared {
  assertString(method, 'method', NogError);
  assertString(url, 'url', NogError);
  if (typeof key !== 'object' || key === null) throw new NogError('ERR_INVALID_ARGUMENT', 'key must be an object { id, secret }');
  const { id, secret } = key;
  assertString(id, 'key.id', NogError);
  assertString(secret, 'key.secret', NogError);
  if (options !== undefined) assertObject(options, 'options', NogError);
  // nog-v1's order: the date first, then the method, the URL, ... (docs/spec/nog-v1.md, Signing).
  const date = options?.date ?? Date.now();
  let authdate: string;
  let ms: number;
  if (typeof date === 'string') {
    ms = parseDateTime(date).getTime();
    authdate = date;
  } else {
    authdate = formatDateTime(date);
    ms = typeof date === 'number' ? date : date.getTime();
  }
  if (method !== checked.method) {
    if (!isHttpToken(method)) throw new NogError('ERR_SIGN_METHOD', 'method must be an HTTP token such as GET');
    checked.method = method;
  }
  const maxLength = options?.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  if (typeof maxLength !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', 'options.maxUrlLength must be a number');
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new NogError('ERR_OPTION_RANGE', 'options.maxUrlLength must be a whole number, 1 or more');
  }
  const parts = parseRequestTarget(url, maxLength === DEFAULT_MAX_URL_LENGTH ? DEFAULT_LIMIT : { maxLength });
  // The signer adds the auth parameters: one already there would be repeated, which every verifier refuses.
  if (parts.query !== null && hasAuthParameter(parts.query)) {
    throw new NogError('ERR_SIGN_AUTH_PARAMETER', 'The URL already has an auth parameter (authkeyid, authdate, ...)');
  }
  if (id !== checked.id) {
    if (!isUnreserved(id)) throw new NogError('ERR_SIGN_KEY', 'key.id must be non-empty and only A-Z a-z 0-9 - . _ ~');
    checked.id = id;
  }
  if (secret.length === 0) throw new NogError('ERR_SIGN_KEY', 'key.secret must not be empty');
  const expires = options?.expires ?? DEFAULT_SIGN_EXPIRES;
  if (typeof expires !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', 'options.expires must be a number');
  if (!Number.isSafeInteger(expires) || expires < 0) {
    throw new NogError('ERR_SIGN_EXPIRES', 'options.expires must be a whole number of seconds, 0 or more');
  }
  const given = options?.nonce;
  let nonce: string | null;
  if (given === undefined) nonce = nextNonce();
  else if (given === false) nonce = null;
  else {
    assertString(given, 'options.nonce', NogError);
    if (!isUnreserved(given)) throw new NogError('ERR_SIGN_NONCE', 'options.nonce must be non-empty and only A-Z a-z 0-9 - . _ ~');
    nonce = given;
  }
  // The deadline is a date too: one past 9999-12-31T23:59:59Z could never be verified (ERR_AUTH_EXPIRES_INVALID).
  const second = Math.floor(ms / 1000) * 1000;
  if (second + expires * 1000 > MAX_DEADLINE_MS) {
    throw new NogError('ERR_SIGN_EXPIRES', 'options.expires puts the deadline past 9999-12-31T23:59:59Z');
  }
  // The original JS signer: `&` when there is a query, even an empty one (`/p?` -> `/p?&authalgorithm=`).
  let target = `${parts.target}${parts.query === null ? '?' : '&'}authalgorithm=nog-v1&authkeyid=${id}&authdate=${authdate}&authexpires=${expires}`;
  if (nonce !== null) target += `&authnonce=${nonce}`;
  if (parts.origin.length + target.length + SIGNATURE_LENGTH > maxLength) {
    throw new CanonicalError('ERR_TARGET_TOO_LONG', 'The signed URL would be longer than the limit');
  }
  return {
    origin: parts.origin,
    fragment: parts.fragment,
    target,
    stringToSign: `${method}\n${target}\n`,
    secret,
    authdate,
    expires,
    nonce,
  };
}

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
  // Not an async function: with a synchronous HMAC the result is ready at once, so skip the async machinery.
  return function sign(method, url, key, options) {
    try {
      const p = prepare(nextNonce, method, url, key, options);
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
  return function signSync(method, url, key, options) {
    const p = prepare(nextNonce, method, url, key, options);
    return finish(p, provider.hmacHex(p.secret, p.stringToSign));
  };
}
