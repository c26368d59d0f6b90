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
const ALGORITHM = 0;
const KEY_ID = 1;
const DATE = 2;
const EXPIRES = 3;
const NONCE = 4;
const SIGNATURE = 5;

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
  let name: string;
  let slot: number;
  if (len === 8) [name, slot] = ['authdate', DATE];
  else if (len === 9 && fifth === 0x6b) [name, slot] = ['authkeyid', KEY_ID];
  else if (len === 9) [name, slot] = ['authnonce', NONCE];
  else if (len === 11) [name, slot] = ['authexpires', EXPIRES];
  else if (len === 13 && fifth === 0x61) [name, slot] = ['authalgorithm', ALGORITHM];
  else if (len === 13) [name, slot] = ['authsignature', SIGNATURE];
  else return -1;
  for (let i = 4; i < len; i++) if (s.charCodeAt(at + i) !== name.charCodeAt(i)) return -1;
  return slot;
}

function isEncodedAuthName(name: string): boolean {
  if (!name.includes('%')) return false;
  try {
    const decoded = decodeURIComponent(name.replaceAll('+', ' '));
    return slotAt(decoded, 0, decoded.length) !== -1;
  } catch {
    return false;
  }
}

/**
 * Reads the auth parameters from `target` (path and query, no fragment), whose query starts after index `q`.
 * A parameter without `=` has the value `''`, as in the original's query parser. Returns null when the request
 * is malformed: an auth parameter repeated, or one whose name is percent-encoded (`auth%6Beyid`), which the
 * original decoded but which we cannot accept without letting two spellings mean one parameter.
 */
export function readAuthParams(target: string, q: number): AuthParams | null {
  const values: Array<string | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined];
  let signatureAmp = -1;
  const end = target.length;
  const mayBeEncoded = target.indexOf('%', q) !== -1;
  // Where the auth parameters begin, and whether another parameter follows one of them.
  let firstAuth = -1;
  let interleaved = false;
  let start = q + 1;
  // The next '=' at or after start (-1: none left), found once per '=' so that the scan stays linear.
  let nextEq = -2;
  while (start <= end) {
    let amp = target.indexOf('&', start);
    if (amp === -1) amp = end;
    if (nextEq !== -1 && nextEq < start) nextEq = target.indexOf('=', start);
    const eq = nextEq === -1 || nextEq > amp ? amp : nextEq;
    const slot = slotAt(target, start, eq);
    if (slot !== -1) {
      if (values[slot] !== undefined) return null;
      values[slot] = eq === amp ? '' : target.slice(eq + 1, amp);
      if (slot === SIGNATURE) signatureAmp = amp === end && start > q + 1 ? start - 1 : -1;
      if (firstAuth === -1) firstAuth = start;
    } else {
      if (mayBeEncoded && isEncodedAuthName(target.slice(start, eq))) return null;
      if (firstAuth !== -1) interleaved = true;
    }
    start = amp + 1;
  }
  let rest: string | null;
  if (interleaved || firstAuth === -1) rest = stripAuthParams(target.slice(q + 1));
  // The usual case: the auth parameters are a suffix. `/p?auth...` had no query, `/p?&auth...` an empty one.
  else rest = firstAuth === q + 1 ? null : target.slice(q + 1, firstAuth - 1);
  return {
    algorithm: values[ALGORITHM],
    keyId: values[KEY_ID],
    date: values[DATE],
    expires: values[EXPIRES],
    nonce: values[NONCE],
    signature: values[SIGNATURE],
    signatureAmp,
    rest,
  };
}

/**
 * The query without the auth parameters, segments kept raw and in order: null when none is left and the client's
 * target had no `?` of its own (`/p?authalgorithm=...`), `''` when it was `/p?` (`/p?&authalgorithm=...`).
 */
export function stripAuthParams(query: string): string | null {
  let out: string | null = null;
  let start = 0;
  let nextEq = -2;
  while (start <= query.length) {
    let amp = query.indexOf('&', start);
    if (amp === -1) amp = query.length;
    if (nextEq !== -1 && nextEq < start) nextEq = query.indexOf('=', start);
    const eq = nextEq === -1 || nextEq > amp ? amp : nextEq;
    if (slotAt(query, start, eq) === -1) {
      const segment = query.slice(start, amp);
      out = out === null ? segment : `${out}&${segment}`;
    }
    start = amp + 1;
  }
  return out;
}
