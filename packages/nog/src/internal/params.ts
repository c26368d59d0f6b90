/** The six nog-v1 parameters, in the order the signer appends them. */
export const AUTH_NAMES = ['authalgorithm', 'authkeyid', 'authdate', 'authexpires', 'authnonce', 'authsignature'] as const;

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
}

function slot(name: string): keyof Omit<AuthParams, 'signatureAmp'> | undefined {
  switch (name) {
    case 'authalgorithm':
      return 'algorithm';
    case 'authkeyid':
      return 'keyId';
    case 'authdate':
      return 'date';
    case 'authexpires':
      return 'expires';
    case 'authnonce':
      return 'nonce';
    case 'authsignature':
      return 'signature';
    default:
      return undefined;
  }
}

function isEncodedAuthName(name: string): boolean {
  if (!name.includes('%')) return false;
  try {
    return slot(decodeURIComponent(name.replaceAll('+', ' '))) !== undefined;
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
  };
  let start = q + 1;
  const end = target.length;
  const mayBeEncoded = target.indexOf('%', start) !== -1;
  while (start <= end) {
    let amp = target.indexOf('&', start);
    if (amp === -1) amp = end;
    // Only names that start with "auth" or contain "%" can be auth parameters.
    if (mayBeEncoded || target.startsWith('auth', start)) {
      const eq = target.indexOf('=', start);
      const nameEnd = eq === -1 || eq > amp ? amp : eq;
      const name = target.slice(start, nameEnd);
      const key = slot(name);
      if (key !== undefined) {
        if (p[key] !== undefined) return null;
        p[key] = nameEnd === amp ? '' : target.slice(nameEnd + 1, amp);
        if (key === 'signature') p.signatureAmp = amp === end && start > q + 1 ? start - 1 : -1;
      } else if (isEncodedAuthName(name)) return null;
    }
    start = amp + 1;
  }
  return p;
}

/**
 * The query without the auth parameters, segments kept raw and in order: null when none is left and the client's
 * target had no `?` of its own (`/p?authalgorithm=...`), `''` when it was `/p?` (`/p?&authalgorithm=...`).
 */
export function stripAuthParams(query: string): string | null {
  let out: string | null = null;
  let start = 0;
  while (start <= query.length) {
    let amp = query.indexOf('&', start);
    if (amp === -1) amp = query.length;
    const eq = query.indexOf('=', start);
    const name = query.slice(start, eq === -1 || eq > amp ? amp : eq);
    if (slot(name) === undefined) {
      const segment = query.slice(start, amp);
      out = out === null ? segment : `${out}&${segment}`;
    }
    start = amp + 1;
  }
  return out;
}
