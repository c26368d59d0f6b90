/** The auth parameters of a received target, raw (never percent-decoded), each at most once. */
export interface AuthParams {
  algorithm: string | undefined;
  keyId: string | undefined;
  date: string | undefined;
  expires: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  /** Index in the target of the `&` before `authsignature`, or -1 when it is not the last parameter after a `&`. */
  signatureAmp: number;
  /** The query without the auth parameters (see {@link stripAuthParams}). */
  rest: string | null;
}

type Slot = 'algorithm' | 'keyId' | 'date' | 'expires' | 'nonce' | 'signature';

/** The slot of an auth parameter name that starts at `at` and ends at `end` (exclusive), without slicing it. */
function slotAt(s: string, at: number, end: number): Slot | undefined {
  if (s.charCodeAt(at) !== 0x61 /* a */ || !s.startsWith('auth', at)) return undefined;
  const len = end - at;
  switch (s.charCodeAt(at + 4)) {
    case 0x61:
      return len === 13 && s.startsWith('authalgorithm', at) ? 'algorithm' : undefined;
    case 0x6b:
      return len === 9 && s.startsWith('authkeyid', at) ? 'keyId' : undefined;
    case 0x64:
      return len === 8 && s.startsWith('authdate', at) ? 'date' : undefined;
    case 0x65:
      return len === 11 && s.startsWith('authexpires', at) ? 'expires' : undefined;
    case 0x6e:
      return len === 9 && s.startsWith('authnonce', at) ? 'nonce' : undefined;
    case 0x73:
      return len === 13 && s.startsWith('authsignature', at) ? 'signature' : undefined;
    default:
      return undefined;
  }
}

function isEncodedAuthName(name: string): boolean {
  if (!name.includes('%')) return false;
  try {
    const decoded = decodeURIComponent(name.replaceAll('+', ' '));
    return slotAt(decoded, 0, decoded.length) !== undefined;
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
  const p: AuthParams = {
    algorithm: undefined,
    keyId: undefined,
    date: undefined,
    expires: undefined,
    nonce: undefined,
    signature: undefined,
    signatureAmp: -1,
    rest: null,
  };
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
    const key = slotAt(target, start, eq);
    if (key !== undefined) {
      if (p[key] !== undefined) return null;
      p[key] = eq === amp ? '' : target.slice(eq + 1, amp);
      if (key === 'signature') p.signatureAmp = amp === end && start > q + 1 ? start - 1 : -1;
      if (firstAuth === -1) firstAuth = start;
    } else {
      if (mayBeEncoded && isEncodedAuthName(target.slice(start, eq))) return null;
      if (firstAuth !== -1) interleaved = true;
    }
    start = amp + 1;
  }
  if (interleaved || firstAuth === -1) p.rest = stripAuthParams(target.slice(q + 1));
  // The usual case: the auth parameters are a suffix. `/p?auth...` had no query, `/p?&auth...` an empty one.
  else p.rest = firstAuth === q + 1 ? null : target.slice(q + 1, firstAuth - 1);
  return p;
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
    if (slotAt(query, start, eq) === undefined) {
      const segment = query.slice(start, amp);
      out = out === null ? segment : `${out}&${segment}`;
    }
    start = amp + 1;
  }
  return out;
}
