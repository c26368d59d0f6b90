import { appendQuery, parseDateTime, parseQuery, parseReceivedTarget, parseRequestTarget, type RequestTarget } from '@reqsign/canonical';
import type { NogParameter } from '../../diagnose/api.js';
import { deadlineOf } from '../deadline.js';
import { AUTH_PARAMETERS } from '../params.js';

/** The auth parameters a signer appends before `authsignature`, in its order. */
export const APPENDED: readonly string[] = AUTH_PARAMETERS.slice(0, 5);

/** A request read leniently: everything there is, also when the verifier stops at its first failure. */
export interface ReadRequest {
  readonly parts: RequestTarget | null;
  readonly parameters: readonly NogParameter[];
  /** The first value of each auth parameter (`''` without `=`), by name. */
  readonly auth: ReadonlyMap<string, string>;
  /**
   * What follows the method in the string to sign: the target up to `&authsignature` when that ends it, else the
   * target with the `authsignature` parameter taken out (where a re-ordered query put it), else the whole target.
   */
  readonly signedPart: string | null;
  /** Whether `authsignature` ends the query, after `&`, as the verifier requires. */
  readonly signatureLast: boolean;
  /** The target up to `&authsignature` when only parameters that are no auth parameters follow it; else null. */
  readonly beforeSignature: string | null;
  /** Those parameters, raw. */
  readonly appendedAfter: readonly string[];
  readonly authMs: number | null;
  readonly deadlineMs: number | null;
}

function parseTarget(url: string, maxLength: number, received: boolean): RequestTarget | null {
  try {
    return received ? parseReceivedTarget(url, { maxLength }) : parseRequestTarget(url, { maxLength });
  } catch {
    return null;
  }
}

/** Reads a URL as received (`received`, a verifier's view) or as a client gave it to its signer. */
export function readRequest(url: string, maxLength: number, defaultExpires: number, received = true): ReadRequest {
  const parts = parseTarget(url, maxLength, received) ?? (received ? null : parseTarget(url, maxLength, true));
  if (parts === null) {
    return {
      parts,
      parameters: [],
      auth: new Map(),
      signedPart: null,
      signatureLast: false,
      beforeSignature: null,
      appendedAfter: [],
      authMs: null,
      deadlineMs: null,
    };
  }
  const pairs = parts.query === null ? [] : parseQuery(parts.query);
  const parameters = pairs.map((p) => ({ ...p, auth: (AUTH_PARAMETERS as readonly string[]).includes(p.name) }));
  const auth = new Map<string, string>();
  for (const p of parameters) if (p.auth && !auth.has(p.name)) auth.set(p.name, p.value ?? '');

  let signedPart = parts.target;
  let signatureLast = false;
  let beforeSignature: string | null = null;
  let appendedAfter: string[] = [];
  const at = pairs.findIndex((p) => p.name === 'authsignature');
  if (at > 0 && at < pairs.length - 1 && parameters.slice(at + 1).every((p) => !p.auth)) {
    appendedAfter = pairs.slice(at + 1).map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`));
    const amp = parts.target.indexOf('&authsignature');
    if (amp !== -1) beforeSignature = parts.target.slice(0, amp);
  }
  if (at !== -1) {
    const rest = pairs.filter((_, i) => i !== at).map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`));
    signatureLast = at === pairs.length - 1 && at > 0;
    signedPart = signatureLast
      ? parts.target.slice(0, parts.target.lastIndexOf('&authsignature'))
      : `${parts.path}${rest.length === 0 ? '' : `?${rest.join('&')}`}`;
  }
  let authMs: number | null = null;
  let deadlineMs: number | null = null;
  const date = auth.get('authdate');
  if (date !== undefined) {
    try {
      authMs = parseDateTime(date).getTime();
      const deadline = deadlineOf(authMs, auth.get('authexpires'), defaultExpires);
      // A negative authexpires of many digits puts the deadline before any Date: expired, but at no instant to show.
      deadlineMs = Number.isNaN(new Date(deadline).getTime()) ? null : deadline;
    } catch {
      authMs = null;
    }
  }
  return { parts, parameters, auth, signedPart, signatureLast, beforeSignature, appendedAfter, authMs, deadlineMs };
}

/**
 * The target a client's signer produced from `expected`: its own up to `&authsignature` when it is a signed URL
 * (and that signature), else the URL with the request's auth parameters appended in the signer's order.
 */
export function clientSignedPart(expected: ReadRequest, request: ReadRequest): { target: string; signature: string | null } | null {
  if (expected.parts === null) return null;
  const signature = expected.auth.get('authsignature');
  if (signature !== undefined) return { target: expected.signedPart!, signature };
  const params = APPENDED.flatMap((name) => {
    const value = request.auth.get(name);
    return value === undefined ? [] : [`${name}=${value}`];
  });
  return { target: appendQuery(expected.parts.target, params.join('&')), signature: null };
}

/** An auth parameter's name at the start of a text, or after `&` or `?`. */
const AUTH_NAME_IN_TEXT = new RegExp(`(^|[&?])(?:${AUTH_PARAMETERS.join('|')})(?==|&|$)`);

/**
 * The auth parameters of a URL whose query has none but whose fragment does (a client that appended them after the
 * URL's `#fragment`, as the original JS and Python signers did): the URL with them moved into the query, to read them
 * as a verifier would, and the target the client signed (`#`, the fragment's own text, then the auth parameters up to
 * `&authsignature`). Null for any other URL.
 */
export function fragmentAuth(read: ReadRequest): { readonly url: string; readonly signed: string } | null {
  const parts = read.parts;
  if (parts === null || parts.fragment === null || read.auth.size !== 0) return null;
  const found = AUTH_NAME_IN_TEXT.exec(parts.fragment);
  const amp = parts.fragment.lastIndexOf('&authsignature');
  if (found === null || amp === -1) return null;
  const auth = parts.fragment.slice(found.index + found[1]!.length);
  return {
    url: `${parts.origin}${parts.target}${parts.query === null ? '?' : '&'}${auth}`,
    signed: `${parts.target}#${parts.fragment.slice(0, amp)}`,
  };
}
