import {
  assertObject,
  assertOptionNames,
  assertString,
  CanonicalError,
  formatDateTime,
  isHttpToken,
  isUnreserved,
  parseDateTime,
  parseRequestTarget,
  type RequestTarget,
} from '@reqsign/canonical';
import { NogError } from '../errors.js';
import type { NogKey, SignOptions } from '../sign.js';
import { DEFAULT_MAX_URL_LENGTH, MAX_DEADLINE_MS } from './limits.js';
import { hasAuthParameter } from './params.js';

/** The names of `sign`'s options: any other is refused (a misspelt one would be silently ignored). */
const SIGN_OPTION_NAMES: readonly string[] = ['date', 'expires', 'nonce', 'maxUrlLength', 'onWarning'];

/** The default `authexpires` of the signer, as the original Python client and bash tool: 600 seconds. */
export const DEFAULT_SIGN_EXPIRES = 600;

/** What `sign` has once its arguments are checked: everything but the HMAC. */
export interface Prepared {
  /** The signed URL up to the signature, in the form given (the origin, then {@link target}). */
  readonly signedUrl: string;
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
 * first value passes, so that no string (not even `''`) skips the check; one per bound `sign` (builds share none).
 */
export interface Checked {
  method: string | null;
  id: string | null;
  /**
   * The last URL read (with the length limit it was read under) and its parts: a client signs the same few URLs
   * over and over, and reading one (the characters, the scheme and authority, the auth-parameter check) costs a
   * sixth of a `signSync`. Only a URL that passed is kept; the parts are a pure function of the two.
   */
  url: string | null;
  urlMax: number;
  parts: RequestTarget | null;
  /**
   * The signed target before its nonce, with what it was made from: within a second a client signs the same URL with
   * the same key and `expires` many times, and only the nonce changes. See {@link signedHead}.
   */
  head: Head | null;
}

/** What {@link signedHead} made last: the parts, method, key id, authdate and `expires`, then the target, string to sign and URL. */
type Head = readonly [RequestTarget, string, string, string, number, string, string, string];

/** A fresh {@link Checked}: nothing passed yet. */
export const uncheckedState = (): Checked => ({ method: null, id: null, url: null, urlMax: 0, parts: null, head: null });

// ---- The checks, one rule each, in the order prepare() runs them (nog-v1's; docs/spec/nog-v1.md, Signing). ----

function checkMethod(checked: Checked, method: string): void {
  if (method === checked.method) return;
  if (!isHttpToken(method)) throw new NogError('ERR_SIGN_METHOD', 'method must be an HTTP token such as GET');
  checked.method = method;
}

function readMaxLength(options: SignOptions | undefined): number {
  const maxLength = options?.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  if (typeof maxLength !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', 'options.maxUrlLength must be a number');
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new NogError('ERR_OPTION_RANGE', 'options.maxUrlLength must be a whole number from 1 to 2^53 - 1');
  }
  return maxLength;
}

const DEFAULT_LIMIT = { maxLength: DEFAULT_MAX_URL_LENGTH };

/** The URL as a request target within the length limit, with no auth parameter of its own. */
function readTarget(checked: Checked, url: string, maxLength: number): RequestTarget {
  if (url === checked.url && maxLength === checked.urlMax) return checked.parts!;
  const parts = parseRequestTarget(url, maxLength === DEFAULT_MAX_URL_LENGTH ? DEFAULT_LIMIT : { maxLength });
  // The signer adds the auth parameters: one already there, under any spelling, would be repeated or encoded, which
  // every verifier refuses (the verifier's own pattern: they agree by construction).
  if (parts.query !== null && hasAuthParameter(parts.query)) {
    throw new NogError('ERR_SIGN_AUTH_PARAMETER', 'The URL already has an auth parameter (authkeyid, authdate, ...)');
  }
  checked.url = url;
  checked.urlMax = maxLength;
  checked.parts = parts;
  return parts;
}

function checkKey(checked: Checked, id: string, secret: string): void {
  if (id !== checked.id) {
    if (!isUnreserved(id)) throw new NogError('ERR_SIGN_KEY', 'key.id must be non-empty and only A-Z a-z 0-9 - . _ ~');
    checked.id = id;
  }
  if (secret.length === 0) throw new NogError('ERR_SIGN_KEY', 'key.secret must not be empty');
}

/**
 * `authexpires`: a whole number of seconds, 0 or more. A number past 2^53 is whole too (its value is an integer): its
 * deadline is past the limit, which {@link checkDeadline} says after the nonce is checked, in the spec's order.
 */
function readExpires(options: SignOptions | undefined): number {
  const expires = options?.expires ?? DEFAULT_SIGN_EXPIRES;
  if (typeof expires !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', 'options.expires must be a number');
  if (!Number.isInteger(expires) || expires < 0) {
    throw new NogError('ERR_SIGN_EXPIRES', 'options.expires must be a whole number of seconds, 0 or more');
  }
  return expires;
}

/** The deadline is a date too: one past 9999-12-31T23:59:59Z could never be verified (ERR_AUTH_EXPIRES_INVALID). */
function checkDeadline(ms: number, expires: number): void {
  if (Math.floor(ms / 1000) * 1000 + expires * 1000 > MAX_DEADLINE_MS) {
    throw new NogError('ERR_SIGN_EXPIRES', 'options.expires puts the deadline past 9999-12-31T23:59:59Z');
  }
}

/** The nonce policy: a fresh random one by default, none with `false`, or the caller's in the unreserved grammar. */
function readNonce(options: SignOptions | undefined, nextNonce: () => string): string | null {
  const given = options?.nonce;
  if (given === undefined) return nextNonce();
  if (given === false) return null;
  assertString(given, 'options.nonce', NogError);
  if (!isUnreserved(given)) throw new NogError('ERR_SIGN_NONCE', 'options.nonce must be non-empty and only A-Z a-z 0-9 - . _ ~');
  return given;
}

// ---- The target: the auth parameters appended, and the length budget. ----

/** What `&authsignature=` and the signature (HMAC-SHA256, 32 bytes, in hex) add to the target. */
const SIGNATURE_LENGTH = '&authsignature='.length + 2 * 32;

/**
 * The signed target up to the nonce (`authsignature` and `authnonce` come after), the string to sign and the URL
 * likewise, made anew only when the method, URL, key id, authdate or `expires` differ from the last call's (a pure
 * function of those). The original JS signer's separator: `&` when there is a query, even an empty one (`/p?` ->
 * `/p?&authalgorithm=`).
 */
function signedHead(checked: Checked, parts: RequestTarget, method: string, id: string, authdate: string, expires: number): Head {
  let h = checked.head;
  if (h === null || h[0] !== parts || h[1] !== method || h[2] !== id || h[3] !== authdate || h[4] !== expires) {
    const target = `${parts.target}${parts.query === null ? '?' : '&'}authalgorithm=nog-v1&authkeyid=${id}&authdate=${authdate}&authexpires=${expires}`;
    const stringToSign = `${method}\n${target}`;
    const url = parts.origin + target;
    // Reading a character flattens a joined string in place (V8): the HMAC of each request then copies one flat
    // string, not a tree of a dozen parts.
    stringToSign.charCodeAt(0);
    h = checked.head = [parts, method, id, authdate, expires, target, stringToSign, url];
  }
  return h;
}

/** Checks the arguments in nog-v1's order and builds the string to sign: everything but the HMAC. */
export function prepare(
  checked: Checked,
  nextNonce: () => string,
  method: string,
  url: string,
  key: NogKey,
  options?: SignOptions,
): Prepared {
  // The argument types; the key's fields are read once, so that every later check sees the same values.
  assertString(method, 'method', NogError);
  assertString(url, 'url', NogError);
  if (typeof key !== 'object' || key === null) throw new NogError('ERR_INVALID_ARGUMENT', 'key must be an object { id, secret }');
  const { id, secret } = key;
  assertString(id, 'key.id', NogError);
  assertString(secret, 'key.secret', NogError);
  if (options !== undefined) {
    assertObject(options, 'options', NogError);
    // The light check (the options named, no guess): sign goes into browser bundles, which carry no edit distance.
    assertOptionNames(options, SIGN_OPTION_NAMES, 'sign', NogError);
  }
  // The date first (an authdate given as text is read strictly), then the method, the URL, the key, the options.
  const date = options?.date ?? Date.now();
  const authdate = typeof date === 'string' ? date : formatDateTime(date);
  const ms = typeof date === 'string' ? parseDateTime(date).getTime() : typeof date === 'number' ? date : date.getTime();
  checkMethod(checked, method);
  const maxLength = readMaxLength(options);
  const parts = readTarget(checked, url, maxLength);
  checkKey(checked, id, secret);
  const expires = readExpires(options);
  const nonce = readNonce(options, nextNonce);
  checkDeadline(ms, expires);
  const h = signedHead(checked, parts, method, id, authdate, expires);
  const tail = nonce === null ? '' : `&authnonce=${nonce}`;
  // The URL with the signature must fit `maxLength`.
  if (h[7].length + tail.length + SIGNATURE_LENGTH > maxLength) {
    throw new CanonicalError('ERR_TARGET_TOO_LONG', 'The signed URL would be longer than the limit');
  }
  return {
    signedUrl: h[7] + tail,
    fragment: parts.fragment,
    target: h[5] + tail,
    stringToSign: `${h[6]}${tail}\n`,
    secret,
    authdate,
    expires,
    nonce,
  };
}
