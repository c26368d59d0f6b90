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
import { AUTH_PARAMETERS } from './params.js';

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
   * The last signed target up to its nonce, and the URL and string to sign likewise: within a second, a client
   * signs the same URL with the same key and options, and only the nonce changes. Kept with what they were made from
   * (a pure function of it) and flattened once, so that a request joins three strings rather than a dozen.
   */
  head: Head | null;
}

interface Head {
  readonly parts: RequestTarget;
  readonly method: string;
  readonly id: string;
  readonly authdate: string;
  readonly expires: number;
  readonly withNonce: boolean;
  /** The signed target up to the nonce's value (`...&authnonce=`), or all of it without a nonce. */
  readonly target: string;
  /** `METHOD\n` and {@link target}. */
  readonly stringToSign: string;
  /** The origin and {@link target}. */
  readonly url: string;
}

/** A fresh {@link Checked}: nothing passed yet. */
export const uncheckedState = (): Checked => ({ method: null, id: null, url: null, urlMax: 0, parts: null, head: null });

/** `s`, its characters in one piece: a string made by joining is a tree of its parts until something flattens it. */
function flattened(s: string): string {
  // Reading a character flattens a joined string in place (V8; elsewhere a no-op).
  s.charCodeAt(0);
  return s;
}

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
    throw new NogError('ERR_OPTION_RANGE', 'options.maxUrlLength must be a whole number, 1 or more');
  }
  return maxLength;
}

const DEFAULT_LIMIT = { maxLength: DEFAULT_MAX_URL_LENGTH };

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

/** The URL as a request target within the length limit, with no auth parameter of its own. */
function readTarget(checked: Checked, url: string, maxLength: number): RequestTarget {
  if (url === checked.url && maxLength === checked.urlMax) return checked.parts!;
  const parts = parseRequestTarget(url, maxLength === DEFAULT_MAX_URL_LENGTH ? DEFAULT_LIMIT : { maxLength });
  // The signer adds the auth parameters: one already there would be repeated, which every verifier refuses.
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
 * The signed target without `authsignature`, with the string to sign and the URL up to the signature. The original
 * JS signer's separator: `&` when there is a query, even an empty one (`/p?` -> `/p?&authalgorithm=`). The URL with
 * the signature must fit `maxLength`.
 */
function signedHead(
  checked: Checked,
  parts: RequestTarget,
  method: string,
  id: string,
  authdate: string,
  expires: number,
  withNonce: boolean,
): Head {
  const last = checked.head;
  if (
    last !== null &&
    last.parts === parts &&
    last.method === method &&
    last.id === id &&
    last.authdate === authdate &&
    last.expires === expires &&
    last.withNonce === withNonce
  ) {
    return last;
  }
  let target = `${parts.target}${parts.query === null ? '?' : '&'}authalgorithm=nog-v1&authkeyid=${id}&authdate=${authdate}&authexpires=${expires}`;
  if (withNonce) target += '&authnonce=';
  target = flattened(target);
  const head: Head = {
    parts,
    method,
    id,
    authdate,
    expires,
    withNonce,
    target,
    stringToSign: flattened(`${method}\n${target}`),
    url: parts.origin === '' ? target : flattened(`${parts.origin}${target}`),
  };
  checked.head = head;
  return head;
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
  const head = signedHead(checked, parts, method, id, authdate, expires, nonce !== null);
  if (head.url.length + (nonce === null ? 0 : nonce.length) + SIGNATURE_LENGTH > maxLength) {
    throw new CanonicalError('ERR_TARGET_TOO_LONG', 'The signed URL would be longer than the limit');
  }
  return nonce === null
    ? {
        signedUrl: head.url,
        fragment: parts.fragment,
        target: head.target,
        stringToSign: `${head.stringToSign}\n`,
        secret,
        authdate,
        expires,
        nonce,
      }
    : {
        signedUrl: head.url + nonce,
        fragment: parts.fragment,
        target: head.target + nonce,
        stringToSign: `${head.stringToSign}${nonce}\n`,
        secret,
        authdate,
        expires,
        nonce,
      };
}
