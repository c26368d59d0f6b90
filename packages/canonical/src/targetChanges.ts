import { encodeNonAscii } from './encoding.js';
import { CanonicalError, assertObject, assertString } from './errors.js';
import { percentDecodedBytes, removeDotSegments } from './normalize.js';

/**
 * What a proxy, a framework or a URL parser may change in a request target between the client that signed it and
 * the server that verifies it. A signature over raw bytes (nog-v1, nOps) does not survive any of them; a diagnosis
 * of a failed verification tries each to find out which one happened.
 */
export type TargetChange =
  /** Percent-escapes upper- or lower-cased, characters encoded or decoded (`~` and `%7E`, `é` and `%C3%A9`). */
  | 'percent-encoding'
  /** `+` and `%20` for a space in the query (form encoding). */
  | 'plus-space'
  /** `.` and `..` segments removed (RFC 3986 5.2.4), or signed removed and sent as given. */
  | 'dot-segments'
  /** A doubled slash merged (nginx's `merge_slashes`). */
  | 'slashes'
  /** A path prefix stripped (a router mounted under it) or added (a proxy forwarding under it). */
  | 'mount-prefix'
  /** A trailing slash added to the path or removed from it. */
  | 'trailing-slash'
  /** The query parameters re-ordered. */
  | 'query-order'
  /** `?` against `?&` or `??` where the client's query was empty or absent. */
  | 'empty-query';

/** The diagnosis code of each change, the same in every scheme's diagnosis. */
export type TargetChangeCode =
  | 'DIAG_PERCENT_ENCODING'
  | 'DIAG_PLUS_SPACE'
  | 'DIAG_DOT_SEGMENTS'
  | 'DIAG_DOUBLE_SLASH'
  | 'DIAG_MOUNT_PREFIX'
  | 'DIAG_TRAILING_SLASH'
  | 'DIAG_QUERY_REORDERED'
  | 'DIAG_EMPTY_QUERY';

export const TARGET_CHANGE_CODES: Readonly<Record<TargetChange, TargetChangeCode>> = {
  'percent-encoding': 'DIAG_PERCENT_ENCODING',
  'plus-space': 'DIAG_PLUS_SPACE',
  'dot-segments': 'DIAG_DOT_SEGMENTS',
  slashes: 'DIAG_DOUBLE_SLASH',
  'mount-prefix': 'DIAG_MOUNT_PREFIX',
  'trailing-slash': 'DIAG_TRAILING_SLASH',
  'query-order': 'DIAG_QUERY_REORDERED',
  'empty-query': 'DIAG_EMPTY_QUERY',
};

/** A short title of each change's code, for lists and headings (the same in every scheme's diagnosis). */
export const TARGET_CHANGE_TITLES: Readonly<Record<TargetChangeCode, string>> = {
  DIAG_PERCENT_ENCODING: 'The percent-encoding changed in transit',
  DIAG_PLUS_SPACE: '+ and %20 swapped in the query',
  DIAG_DOT_SEGMENTS: 'Dot segments removed from the path',
  DIAG_DOUBLE_SLASH: 'A doubled slash merged',
  DIAG_MOUNT_PREFIX: 'A path prefix stripped or added',
  DIAG_TRAILING_SLASH: 'A trailing slash removed or added',
  DIAG_QUERY_REORDERED: 'The query re-ordered',
  DIAG_EMPTY_QUERY: '? against ?& for an empty query',
};

/** A target as the client may have signed it, and what happened to it in transit if it did. */
export interface TargetVariant {
  readonly change: TargetChange;
  /** The change's diagnosis code. */
  readonly code: TargetChangeCode;
  /** What happened between signing and verification, in words (never a secret: only target bytes). */
  readonly description: string;
  /** The target as the client signed it. */
  readonly target: string;
  /** With `mount-prefix`: the prefix that was stripped or added. */
  readonly prefix?: string;
}

export interface TargetVariantOptions {
  /**
   * The query parameters the scheme appends when signing, in its order (nog-v1's auth parameters, nOps's `api_key`).
   * The query-order variants keep them last in this order, the empty-query variants look for them, and no variant
   * changes their bytes.
   */
  readonly appended?: readonly string[];
  /** Path prefixes a router may have stripped before the target reached the verifier (`/api`): tried in front. */
  readonly prefixes?: readonly string[];
  /** The most query orders tried (default 720: every order of up to six parameters). */
  readonly maxOrders?: number;
}

const ESCAPE = /%[0-9A-Fa-f]{2}/g;
const NON_ASCII_ESCAPES = /(?:%[89A-Fa-f][0-9A-Fa-f])+/g;
const UNRESERVED = /^[A-Za-z0-9._~-]$/;
const NON_ASCII = /[^\u0000-\u007f]/;
/** Characters that some encoders escape and others leave alone, so that a proxy may decode them. */
const SOMETIMES_ENCODED = "~!'()*:@,;$";
/** Places in a path tried for a stripped slash or prefix, at most. */
const MAX_PLACES = 32;

const nameOf = (segment: string): string => {
  const eq = segment.indexOf('=');
  return eq === -1 ? segment : segment.slice(0, eq);
};
const split = (target: string): [string, string | null] => {
  const q = target.indexOf('?');
  return q === -1 ? [target, null] : [target.slice(0, q), target.slice(q + 1)];
};
const join = (path: string, query: string | null): string => (query === null ? path : `${path}?${query}`);
const hex = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

function checkOptions(options: TargetVariantOptions | undefined): Required<TargetVariantOptions> {
  if (options === undefined) return { appended: [], prefixes: [], maxOrders: 720 };
  assertObject(options, 'options');
  const list = (v: unknown, name: string): readonly string[] => {
    if (v === undefined) return [];
    // A copy, with holes as undefined: every() skips the holes of a sparse array.
    const copy: unknown[] = Array.isArray(v) ? Array.from(v) : [0];
    if (!Array.isArray(v) || !copy.every((s) => typeof s === 'string')) {
      throw new CanonicalError('ERR_INVALID_ARGUMENT', `options.${name} must be an array of strings`);
    }
    return copy as string[];
  };
  const maxOrders = options.maxOrders ?? 720;
  if (typeof maxOrders !== 'number' || !Number.isSafeInteger(maxOrders) || maxOrders < 1) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'options.maxOrders must be a whole number from 1');
  }
  return { appended: list(options.appended, 'appended'), prefixes: list(options.prefixes, 'prefixes'), maxOrders };
}

/** Every order of `items` (distinct orders only), the given one first, at most `max` of them. */
function orders(items: readonly string[], max: number): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  const walk = (rest: readonly string[], head: string[]): void => {
    if (out.length >= max) return;
    if (rest.length === 0) {
      const key = head.join('&');
      if (!seen.has(key)) {
        seen.add(key);
        out.push([...head]);
      }
      return;
    }
    const used = new Set<string>();
    for (let i = 0; i < rest.length && out.length < max; i++) {
      if (used.has(rest[i]!)) continue;
      used.add(rest[i]!);
      walk([...rest.slice(0, i), ...rest.slice(i + 1)], [...head, rest[i]!]);
    }
  };
  walk(items, []);
  return out;
}

/**
 * The targets a client may have signed if the target it sent reached the verifier as `received` after one of the
 * {@link TargetChange}s: each different from `received` and from each other, with what the change did. A change
 * that cannot be undone from what arrived (dot segments removed, an unknown prefix stripped) is found only by
 * {@link findTargetChange}, given what the client signed.
 */
export function targetVariants(received: string, options?: TargetVariantOptions): TargetVariant[] {
  assertString(received, 'received');
  const { appended, prefixes, maxOrders } = checkOptions(options);
  const isAppended = (segment: string): boolean => appended.includes(nameOf(segment));
  const [path, query] = split(received);
  const segments = query === null ? [] : query.split('&');
  const out: TargetVariant[] = [];
  const seen = new Set<string>([received]);
  const add = (change: TargetChange, description: string, target: string, prefix?: string): void => {
    if (seen.has(target)) return;
    seen.add(target);
    const code = TARGET_CHANGE_CODES[change];
    out.push(prefix === undefined ? { change, code, description, target } : { change, code, description, target, prefix });
  };
  // fn over the path (unless queryOnly) and the client's own query segments, never the appended parameters.
  const mapped = (fn: (s: string) => string, queryOnly = false): string =>
    join(queryOnly ? path : fn(path), query === null ? null : segments.map((s) => (isAppended(s) ? s : fn(s))).join('&'));

  add(
    'percent-encoding',
    'percent-escapes were upper-cased in transit (%2f became %2F)',
    mapped((s) => s.replace(ESCAPE, (e) => e.toLowerCase())),
  );
  add(
    'percent-encoding',
    'percent-escapes were lower-cased in transit (%2F became %2f)',
    mapped((s) => s.replace(ESCAPE, (e) => e.toUpperCase())),
  );
  const decodeUnreserved = (s: string): string =>
    s.replace(ESCAPE, (e) => {
      const c = String.fromCharCode(Number.parseInt(e.slice(1), 16));
      return UNRESERVED.test(c) ? c : e;
    });
  add('percent-encoding', 'unreserved characters were percent-encoded in transit (~ became %7E)', mapped(decodeUnreserved));
  for (const c of SOMETIMES_ENCODED) {
    if (!received.includes(c)) continue;
    for (const e of [hex(c), hex(c).toLowerCase()])
      add(
        'percent-encoding',
        `${e} was decoded to ${c} in transit`,
        mapped((s) => s.replaceAll(c, e)),
      );
  }
  const decodeNonAscii = (s: string): string =>
    s.replace(NON_ASCII_ESCAPES, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  add(
    'percent-encoding',
    'non-ASCII characters were percent-encoded as UTF-8 in transit (the client signed them raw; fetch and browsers send them encoded)',
    mapped(decodeNonAscii),
  );
  if (NON_ASCII.test(received)) {
    add('percent-encoding', 'percent-encoded UTF-8 was decoded to characters in transit', mapped(encodeNonAscii));
  }

  if (query !== null) {
    add(
      'plus-space',
      '%20 became + in the query in transit (form encoding)',
      mapped((s) => s.replaceAll('+', '%20'), true),
    );
    add(
      'plus-space',
      '+ became %20 in the query in transit',
      mapped((s) => s.replaceAll('%20', '+'), true),
    );
  }

  add(
    'dot-segments',
    'the path was signed with its dot segments removed (as a URL parser does) and sent with them',
    join(removeDotSegments(path), query),
  );

  const slashes: number[] = [];
  for (let i = path.indexOf('/'); i !== -1 && slashes.length < MAX_PLACES; i = path.indexOf('/', i + 1)) slashes.push(i);
  for (const i of slashes) {
    add(
      'slashes',
      // A slash doubled at the path's end: merged, or one of two trailing slashes removed, gives the same target.
      i === path.length - 1
        ? 'a doubled slash was merged into one in transit (as nginx merge_slashes does), or one of two trailing slashes was removed: the two cannot be told apart'
        : 'a doubled slash was merged into one in transit (as nginx merge_slashes does)',
      join(`${path.slice(0, i)}/${path.slice(i)}`, query),
    );
  }
  for (const raw of prefixes) {
    const prefix = raw.replace(/\/+$/, '');
    if (!prefix.startsWith('/')) continue;
    const described = `the prefix ${prefix} was stripped before verification (a router mounted under it sees only the rest of the path)`;
    add('mount-prefix', described, join(prefix + path, query), prefix);
  }
  for (const i of slashes) {
    if (i === 0) continue;
    const prefix = path.slice(0, i);
    add(
      'mount-prefix',
      `the client signed the path without the prefix ${prefix} (before joining it to a base URL), or a proxy added it in transit: the two cannot be told apart`,
      join(path.slice(i), query),
      prefix,
    );
  }

  if (path.endsWith('/') && path !== '/')
    add('trailing-slash', 'a trailing slash was added to the path in transit', join(path.slice(0, -1), query));
  else if (!path.endsWith('/')) add('trailing-slash', 'the trailing slash was removed from the path in transit', join(`${path}/`, query));

  if (query !== null) {
    const own = segments.filter((s) => !isAppended(s));
    const theirs = segments
      .filter(isAppended)
      .map((s, i) => [appended.indexOf(nameOf(s)), i, s] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map((x) => x[2]);
    for (const order of orders(own, maxOrders))
      add('query-order', 'the query was re-ordered in transit', join(path, [...order, ...theirs].join('&')));

    if (segments.length > 0 && isAppended(segments[0]!)) {
      add('empty-query', 'the client signed an empty query (/p?), and the & after ? was dropped in transit', join(path, `&${query}`));
    }
    if (segments.length > 1 && segments[0] === '' && isAppended(segments[1]!)) {
      add('empty-query', 'the client signed no query (/p), and an & came after ? in transit', join(path, query.slice(1)));
    }
    if (query.startsWith('?')) add('empty-query', 'the target was sent with ?? where the client signed ?', join(path, query.slice(1)));
    if (query === '') add('empty-query', 'an empty query (a bare ?) was added in transit', path);
  } else {
    add('empty-query', 'an empty query (a bare ?) was dropped in transit', `${path}?`);
  }
  return out;
}

/**
 * Which one {@link TargetChange} turns the target a client signed into the one the verifier received, or null when
 * they are equal or no single known change explains the difference. Also finds what {@link targetVariants} cannot
 * undo: dot segments removed, a slash merged, any prefix stripped, any change of percent-encoding.
 */
export function findTargetChange(signed: string, received: string, options?: TargetVariantOptions): TargetVariant | null {
  assertString(signed, 'signed');
  assertString(received, 'received');
  const checked = checkOptions(options);
  if (signed === received) return null;
  const [sp, sq] = split(signed);
  const [rp, rq] = split(received);
  const stripped = sq === rq && rp.startsWith('/') && sp.length > rp.length && sp.endsWith(rp) ? [sp.slice(0, sp.length - rp.length)] : [];
  const hit = targetVariants(received, { ...checked, prefixes: [...checked.prefixes, ...stripped] }).find((v) => v.target === signed);
  if (hit !== undefined) return hit;
  if (sq === rq && removeDotSegments(sp) === rp) {
    return {
      change: 'dot-segments',
      code: 'DIAG_DOT_SEGMENTS',
      description: 'dot segments were removed from the path in transit (as URL parsers and proxies do)',
      target: signed,
    };
  }
  if (sq === rq && sp.replace(/\/{2,}/g, '/') === rp) {
    return {
      change: 'slashes',
      code: 'DIAG_DOUBLE_SLASH',
      description: 'doubled slashes were merged in transit (as nginx merge_slashes does)',
      target: signed,
    };
  }
  if (percentDecodedBytes(signed) === percentDecodedBytes(received)) {
    return {
      change: 'percent-encoding',
      code: 'DIAG_PERCENT_ENCODING',
      description: 'the percent-encoding of the target changed in transit',
      target: signed,
    };
  }
  return null;
}
