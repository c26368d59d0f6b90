import { percentSpellings } from '@reqsign/canonical';

/** The six auth parameters, in the signer's order: what a verifier removes from the query the application sees. */
export const AUTH_PARAMETERS: readonly ['authalgorithm', 'authkeyid', 'authdate', 'authexpires', 'authnonce', 'authsignature'] = [
  'authalgorithm',
  'authkeyid',
  'authdate',
  'authexpires',
  'authnonce',
  'authsignature',
];

/** The auth parameters of a received target, raw (never percent-decoded), each at most once. */
export interface AuthParams {
  readonly algorithm: string | undefined;
  readonly keyId: string | undefined;
  readonly date: string | undefined;
  readonly expires: string | undefined;
  readonly nonce: string | undefined;
  readonly signature: string | undefined;
  /** Index in the target of the `&` before `authsignature`, or -1 when it is not the last parameter after a `&`. */
  readonly signatureAmp: number;
  /** The query without the auth parameters (see {@link stripAuthParams}). */
  readonly rest: string | null;
}

// Slot numbers, in the signer's order.
export const ALGORITHM = 0;
export const KEY_ID = 1;
export const DATE = 2;
export const EXPIRES = 3;
export const NONCE = 4;
export const SIGNATURE = 5;

/** The slot of an auth parameter name that starts at `at` and ends at `end` (exclusive), or -1; no slicing. */
function slotAt(s: string, at: number, end: number): number {
  const len = end - at;
  // "auth" and at least "date" after it.
  if (
    len < 8 ||
    s.charCodeAt(at) !== 0x61 ||
    s.charCodeAt(at + 1) !== 0x75 ||
    s.charCodeAt(at + 2) !== 0x74 ||
    s.charCodeAt(at + 3) !== 0x68
  ) {
    return -1;
  }
  const fifth = s.charCodeAt(at + 4);
  // No array destructuring here: on the verifier's hot path it allocated a pair per segment.
  let name: string;
  let slot: number;
  if (len === 8) {
    name = 'authdate';
    slot = DATE;
  } else if (len === 9) {
    name = fifth === 0x6b ? 'authkeyid' : 'authnonce';
    slot = fifth === 0x6b ? KEY_ID : NONCE;
  } else if (len === 11) {
    name = 'authexpires';
    slot = EXPIRES;
  } else if (len === 13) {
    name = fifth === 0x61 ? 'authalgorithm' : 'authsignature';
    slot = fifth === 0x61 ? ALGORITHM : SIGNATURE;
  } else return -1;
  for (let i = 4; i < len; i++) if (s.charCodeAt(at + i) !== name.charCodeAt(i)) return -1;
  return slot;
}

/**
 * The auth parameters' names in a query by regular expression (the engine scans in native code at about a nanosecond
 * a character, with no work in JavaScript but per match, so no query, however many tiny or malformed segments it
 * has, costs more than a few times what hashing it does). {@link AUTH_NAME}: a segment's name that is an auth
 * parameter's (`&`, the name, then `=`, `&` or the end), for the segments after the first {@link HAND_SEGMENTS}.
 * {@link AUTH_SEGMENT}, the name with its `=value`, is what {@link stripAuthParams} cuts out.
 */
const AUTH_NAME = /&auth(?:algorithm|keyid|date|expires|nonce|signature)(?==|&|$)/g;
const AUTH_SEGMENT = /&auth(?:algorithm|keyid|date|expires|nonce|signature)(?:=[^&]*)?(?=&|$)/g;
/**
 * A name that percent-decodes to an auth parameter's, then `=`, `&` or the end: each letter as itself or `%XX`,
 * either case of hex digit (canonical's `percentSpellings`), so it finds the plain names too; a malformed escape
 * decodes to no auth name. The signer refuses a query with a match ({@link hasAuthParameter}), the verifier a target
 * with an encoded one ({@link scanAuthParams}): one pattern, so they agree by construction. "auth" once, so that the
 * engine tries the six endings only after it (written six times, a query of `%&%&...` cost 3 times as much; once
 * costs 13 B gzipped in the signing client). Pure, so that a bundle without a user of one of them drops it.
 */
const ENCODED_NAME = /* @__PURE__ */ (() =>
  `${percentSpellings('auth')}(?:${AUTH_PARAMETERS.map((name) => percentSpellings(name.slice(4))).join('|')})(?==|&|$)`)();
/** {@link ENCODED_NAME} after a `&`, anywhere. (In a pure function: a template argument of `new` is kept by bundlers.) */
const ENCODED_AUTH_NAME = /* @__PURE__ */ (() => new RegExp(`&${ENCODED_NAME}`, 'g'))();
/** {@link ENCODED_NAME} where `lastIndex` says: a segment read by hand. */
const ENCODED_AUTH_NAME_AT = /* @__PURE__ */ new RegExp(ENCODED_NAME, 'y');

/** {@link ENCODED_NAME} at the start of a query or after a `&`: the signer's question. */
const QUERY_AUTH_NAME = /* @__PURE__ */ (() => new RegExp(`(?:^|&)${ENCODED_NAME}`))();

/**
 * Whether a query (without `?`) names an auth parameter under any spelling, plain (`authexpires`, `authkeyid=x`) or
 * percent-encoded (`auth%6Beyid`): what the signer refuses (the verifier reads a repeated or an encoded one as
 * `ERR_AUTH_MALFORMED`). One pass of {@link ENCODED_NAME}'s pattern: linear, no decoding, no exception.
 */
export const hasAuthParameter = (query: string): boolean => QUERY_AUTH_NAME.test(query);

/**
 * How many segments are read by hand before the regular expressions take over: a signed URL has its own few plus
 * at most six, and reading those by hand is cheaper than starting the engine.
 */
const HAND_SEGMENTS = 16;

/**
 * Where {@link scanAuthParams} leaves what it found, as indices into the target: for each slot (in the signer's
 * order) where its value starts and ends (`-1` when the parameter is absent), then {@link SIGNATURE_AMP},
 * {@link FIRST_AUTH} and {@link INTERLEAVED}. One array for the module, read by the caller right after the scan and
 * before anything else runs: a scan builds no object and no string.
 */
export const SPANS: Int32Array = /* @__PURE__ */ new Int32Array(15);
/** Index in the target of the `&` before `authsignature`, or -1 when it is not the last parameter after a `&`. */
export const SIGNATURE_AMP = 12;
/** Where the first auth parameter's name starts, or -1 when there is none. */
export const FIRST_AUTH = 13;
/** 1 when a parameter of the application's comes after an auth parameter (the auth parameters are no suffix). */
export const INTERLEAVED = 14;

/** The slot of a name starting `auth` by its fifth character (`authkeyid`: `k`), or -1. */
function slotOfFifth(c: number): number {
  switch (c) {
    case 0x61 /* a */:
      return ALGORITHM;
    case 0x6b /* k */:
      return KEY_ID;
    case 0x64 /* d */:
      return DATE;
    case 0x65 /* e */:
      return EXPIRES;
    case 0x6e /* n */:
      return NONCE;
    case 0x73 /* s */:
      return SIGNATURE;
    default:
      return -1;
  }
}

/**
 * The slot of the auth parameter whose name starts at `at` in a segment ending at `end` (exclusive), its name being
 * everything up to the segment's first `=` or its end; -1 for any other name. No slicing, and no search for the `=`:
 * the fifth character says which name it can be, the character after that name must end it, then the name is
 * compared in place.
 */
function nameSlot(s: string, at: number, end: number): number {
  if (end - at < 8 || s.charCodeAt(at) !== 0x61 /* a */) return -1;
  const slot = slotOfFifth(s.charCodeAt(at + 4));
  if (slot === -1) return -1;
  const name = AUTH_PARAMETERS[slot]!;
  const after = at + name.length;
  if (after > end || (after < end && s.charCodeAt(after) !== 0x3d) /* = */) return -1;
  for (let i = 1; i < name.length; i++) if (s.charCodeAt(at + i) !== name.charCodeAt(i)) return -1;
  return slot;
}

/**
 * Reads the auth parameters of `target` (path and query, no fragment), whose query starts after index `q`, into
 * {@link SPANS}. A parameter without `=` has the value `''`, as in the original's query parser. Returns false when
 * the request is malformed: an auth parameter repeated, or one whose name is percent-encoded (`auth%6Beyid`), which
 * the original decoded but which we cannot accept without letting two spellings mean one parameter.
 */
export function scanAuthParams(target: string, q: number): boolean {
  const spans = SPANS;
  for (let i = 0; i < 14; i++) spans[i] = -1;
  spans[INTERLEAVED] = 0;
  const end = target.length;
  const mayBeEncoded = target.indexOf('%', q) !== -1;
  // Where the auth parameters begin and the last one ends, and whether another parameter comes after one of them.
  let firstAuth = -1;
  let lastAuthEnd = -1;
  let interleaved = false;
  let start = q + 1;
  for (let n = 0; start <= end; n++) {
    if (n === HAND_SEGMENTS) {
      // More segments than a signed URL needs: the rest in one pass of a regular expression, from the '&' before
      // `start`. Each match is an auth parameter's name (a percent-encoded one refuses the request).
      const names = mayBeEncoded ? ENCODED_AUTH_NAME : AUTH_NAME;
      names.lastIndex = start - 1;
      for (let m = names.exec(target); m !== null; m = names.exec(target)) {
        if (mayBeEncoded && m[0].includes('%')) return false;
        const amp = m.index;
        const nameEnd = amp + m[0].length;
        let segmentEnd = nameEnd === end || target.charCodeAt(nameEnd) === 0x26 /* & */ ? nameEnd : target.indexOf('&', nameEnd);
        if (segmentEnd === -1) segmentEnd = end;
        const slot = slotAt(target, amp + 1, nameEnd);
        if (spans[2 * slot]! !== -1) return false;
        spans[2 * slot] = nameEnd === segmentEnd ? segmentEnd : nameEnd + 1;
        spans[2 * slot + 1] = segmentEnd;
        if (slot === SIGNATURE) spans[SIGNATURE_AMP] = segmentEnd === end ? amp : -1;
        if (firstAuth === -1) firstAuth = amp + 1;
        else if (amp !== lastAuthEnd) interleaved = true;
        lastAuthEnd = segmentEnd;
        // The value is no name: go on from the '&' that ends the segment.
        names.lastIndex = segmentEnd;
      }
      if (lastAuthEnd !== -1 && lastAuthEnd !== end) interleaved = true;
      break;
    }
    let amp = target.indexOf('&', start);
    if (amp === -1) amp = end;
    const slot = nameSlot(target, start, amp);
    if (slot !== -1) {
      if (spans[2 * slot]! !== -1) return false;
      const valueAt = start + AUTH_PARAMETERS[slot]!.length;
      spans[2 * slot] = valueAt === amp ? amp : valueAt + 1;
      spans[2 * slot + 1] = amp;
      if (slot === SIGNATURE) spans[SIGNATURE_AMP] = amp === end && start > q + 1 ? start - 1 : -1;
      if (firstAuth === -1) firstAuth = start;
      lastAuthEnd = amp;
    } else {
      if (mayBeEncoded) {
        // Not a plain name: one that decodes to an auth name is an encoded one.
        ENCODED_AUTH_NAME_AT.lastIndex = start;
        if (ENCODED_AUTH_NAME_AT.test(target)) return false;
      }
      if (firstAuth !== -1) interleaved = true;
    }
    start = amp + 1;
  }
  spans[FIRST_AUTH] = firstAuth;
  spans[INTERLEAVED] = interleaved ? 1 : 0;
  return true;
}

/**
 * The query without the auth parameters (see {@link stripAuthParams}) of a target whose query starts after `q`, from
 * what {@link scanAuthParams} found: `firstAuth` and `interleaved`.
 */
export function restOf(target: string, q: number, firstAuth: number, interleaved: boolean): string | null {
  // No auth parameter at all: the query is the rest as it is (a request that will fail; no second scan of it).
  if (firstAuth === -1) return target.slice(q + 1);
  if (interleaved) return stripAuthParams(target.slice(q + 1));
  // The usual case: the auth parameters are a suffix. `/p?auth...` had no query, `/p?&auth...` an empty one.
  return firstAuth === q + 1 ? null : target.slice(q + 1, firstAuth - 1);
}

/** The value of a slot that {@link scanAuthParams} found, or undefined. */
const slotValue = (target: string, slot: number): string | undefined =>
  SPANS[2 * slot]! === -1 ? undefined : target.slice(SPANS[2 * slot]!, SPANS[2 * slot + 1]!);

/**
 * The auth parameters of `target` (path and query, no fragment), whose query starts after index `q`, as an object
 * (what {@link scanAuthParams} finds); null when the request is malformed.
 */
export function readAuthParams(target: string, q: number): AuthParams | null {
  if (!scanAuthParams(target, q)) return null;
  return {
    algorithm: slotValue(target, ALGORITHM),
    keyId: slotValue(target, KEY_ID),
    date: slotValue(target, DATE),
    expires: slotValue(target, EXPIRES),
    nonce: slotValue(target, NONCE),
    signature: slotValue(target, SIGNATURE),
    signatureAmp: SPANS[SIGNATURE_AMP]!,
    rest: restOf(target, q, SPANS[FIRST_AUTH]!, SPANS[INTERLEAVED] === 1),
  };
}

/**
 * The query without the auth parameters, segments kept raw and in order: null when none is left and the client's
 * target had no `?` of its own (`/p?authalgorithm=...`), `''` when it was `/p?` (`/p?&authalgorithm=...`). The
 * auth segments are found by {@link AUTH_SEGMENT} (so a query of many segments costs no work per segment), and what
 * lies between them is kept.
 */
export function stripAuthParams(query: string): string | null {
  // With a '&' in front every segment starts after one, as the expression wants.
  const text = `&${query}`;
  let out: string | null = null;
  // Where the segments not yet kept start.
  let at = 1;
  AUTH_SEGMENT.lastIndex = 0;
  for (let m = AUTH_SEGMENT.exec(text); m !== null; m = AUTH_SEGMENT.exec(text)) {
    // The segments from `at` up to this one's '&', if there are any.
    if (m.index >= at) out = out === null ? text.slice(at, m.index) : `${out}&${text.slice(at, m.index)}`;
    at = m.index + m[0].length + 1;
  }
  if (at <= text.length) out = out === null ? text.slice(at) : `${out}&${text.slice(at)}`;
  return out;
}
