import {
  editDistance,
  encodeNonAscii,
  findTargetChange,
  fromBase64,
  removeDotSegments,
  toHex,
  type TargetChangeCode,
} from '@reqsign/canonical';
import type { NogDiagnosisCode, NogSignatureEncoding } from '../../diagnose/api.js';
import { APPENDED } from './read.js';

/**
 * The search space of a diagnosis: ways the client may have signed the request, each a transformation of what the
 * verifier computed, along independent dimensions (the method, an origin in front of the target, the target, the
 * framing of the string to sign, the secret). A hypothesis is one alternative on one dimension (a single) or on two
 * (a pair); the signature's encoding and the clock are checked for every hypothesis at no extra HMAC. A hypothesis
 * becomes a finding only when the carried signature is its HMAC (the witness) and the request then verifies.
 */

/** One alternative on one dimension: what it changes and the finding it proves. */
export interface Alternative {
  readonly code: NogDiagnosisCode;
  readonly message: string;
  /** A short name for the list of what was tried. */
  readonly kind: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface MethodAlternative extends Alternative {
  readonly method: string;
}
export interface OriginAlternative extends Alternative {
  /** What is signed in front of the target: `scheme://host`, or `host` alone. */
  readonly origin: string;
}
export interface TargetAlternative extends Alternative {
  /** The target (path and query) the client signed. */
  readonly target: string;
}
export interface FrameAlternative extends Alternative {
  readonly frame: Frame;
}
export interface SecretAlternative extends Alternative {
  readonly secret: string;
  readonly secretName: string;
}

/** How the method and the target are framed into a string to sign. */
export type Frame =
  | 'standard'
  | 'no-final-newline'
  | 'crlf'
  | 'crlf-no-final'
  | 'double-final-newline'
  | 'trailing-space'
  | 'space-before-newline';

export function frame(f: Frame, method: string, target: string): string {
  switch (f) {
    case 'standard':
      return `${method}\n${target}\n`;
    case 'no-final-newline':
      return `${method}\n${target}`;
    case 'crlf':
      return `${method}\r\n${target}\r\n`;
    case 'crlf-no-final':
      return `${method}\r\n${target}`;
    case 'double-final-newline':
      return `${method}\n${target}\n\n`;
    case 'trailing-space':
      return `${method}\n${target}\n `;
    case 'space-before-newline':
      return `${method}\n${target} \n`;
  }
}

const FRAMES: ReadonlyArray<readonly [Frame, string]> = [
  ['no-final-newline', 'without its final newline (METHOD\\nTARGET)'],
  ['crlf', 'with \\r\\n line ends (METHOD\\r\\nTARGET\\r\\n)'],
  ['crlf-no-final', 'with \\r\\n between method and target and no final newline'],
  ['double-final-newline', 'with an extra final newline (METHOD\\nTARGET\\n\\n)'],
  ['space-before-newline', 'with a space after the target (METHOD\\nTARGET \\n)'],
  ['trailing-space', 'with a space after the final newline (METHOD\\nTARGET\\n )'],
];

export function frameAlternatives(): FrameAlternative[] {
  return FRAMES.map(([f, words]) => ({
    frame: f,
    code: 'DIAG_STRING_TO_SIGN',
    kind: `string to sign ${f}`,
    message: `the client framed the string to sign ${words}; nog-v1 signs METHOD + "\\n" + target + "\\n"`,
    extra: { framing: f },
  }));
}

/** The methods a client signs for another it sends, by the one sent: the likeliest first. */
const SIGNED_FOR: Readonly<Record<string, readonly string[]>> = {
  GET: ['HEAD', 'POST', 'PUT', 'DELETE'],
  HEAD: ['GET', 'POST', 'PUT', 'DELETE'],
  POST: ['GET', 'PUT', 'PATCH', 'HEAD'],
  PUT: ['POST', 'GET', 'PATCH', 'HEAD'],
  PATCH: ['PUT', 'POST', 'GET', 'HEAD'],
  DELETE: ['GET', 'POST', 'HEAD', 'PUT'],
  OPTIONS: ['GET', 'POST', 'HEAD', 'PUT'],
};

/** Another method first when one is likely (GET for HEAD), the method in other cases, then other methods. */
export function methodAlternatives(method: string): MethodAlternative[] {
  const upper = method.toUpperCase();
  const others = (SIGNED_FOR[upper] ?? ['GET', 'POST', 'HEAD', 'PUT']).filter((m) => m !== upper);
  const other = (m: string): MethodAlternative => ({
    method: m,
    code: 'DIAG_METHOD',
    kind: `method ${m}`,
    message: `the client signed the request as ${m}, and it reached the verifier as ${method} (sent so, or changed on the way, as a method override does): the method is part of the string to sign`,
    extra: { signedMethod: m },
  });
  const out: MethodAlternative[] = [other(others[0]!), other(others[1]!)];
  const cases = [upper, method.toLowerCase(), method.charAt(0).toUpperCase() + method.slice(1).toLowerCase()];
  for (const m of new Set(cases)) {
    if (m === method) continue;
    const message = `the client signed the method as ${m} and it arrived as ${method} (the method is signed exactly, case included)`;
    out.push({ method: m, code: 'DIAG_METHOD_CASE', kind: `method ${m}`, message });
  }
  for (const m of others.slice(2)) out.push(other(m));
  return out;
}

/** Each origin with its scheme, then its host alone (a client that signed `host/path`). */
/** The kind of the target alternative that `expectedUrl` says the client signed. */
export const CLIENT_TARGET_KIND = 'the client target (expectedUrl)';

export function originAlternatives(origins: readonly string[]): OriginAlternative[] {
  const out: OriginAlternative[] = [];
  const seen = new Set<string>();
  for (const origin of origins) {
    for (const o of [origin, origin.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')]) {
      if (seen.has(o)) continue;
      seen.add(o);
      const message = `the client signed ${o === origin ? 'the scheme and host' : 'the host (without a scheme)'} ${o} with the path; nog-v1 signs the path and query only`;
      out.push({ origin: o, code: 'DIAG_HOST_SIGNED', kind: `origin ${o}`, message, extra: { signedOrigin: o } });
    }
  }
  return out;
}

export interface TargetInput {
  /** The target up to `&authsignature` (or without it, when it is not last). */
  readonly signedPart: string;
  readonly signatureLast: boolean;
  /** The target up to `&authsignature` when parameters that are no auth parameters follow it. */
  readonly beforeSignature: string | null;
  /** Those parameters, raw. */
  readonly appendedAfter: readonly string[];
  /** The fragment the client may have signed (the request's, or `expectedUrl`'s). */
  readonly fragment: string | null;
  /**
   * When the auth parameters arrived inside the URL's fragment: the target the client signed, with `#` and the
   * fragment's own text in front of them ({@link fragmentAuth}); else null.
   */
  readonly authAfterFragment?: string | null;
  readonly prefixes: readonly string[];
  /** What `expectedUrl` says the client signed. */
  readonly clientTarget: string | null;
  /** At most how many alternatives to list (they are taken in order, the likeliest first). */
  readonly max: number;
  /** Counts the work of building alternatives: twice each candidate's length (a pass over the target, and a copy). */
  readonly meter?: { work: number; limit: number };
}

const ESCAPE = /%[0-9A-Fa-f]{2}/;
const NON_ASCII = /[^\u0000-\u007f]/;
const NON_ASCII_ESCAPES = /(?:%[89A-Fa-f][0-9A-Fa-f])+/g;

function decodeNonAscii(s: string): string {
  return s.replace(NON_ASCII_ESCAPES, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The targets the client may have signed, the likeliest first, at most `max` (the list is built lazily). */
export function* targetAlternatives(t: TargetInput): Generator<TargetAlternative> {
  // Compared by length first: hashing a 16 KiB string into a Set costs more than an HMAC over it.
  const seen: string[] = [t.signedPart];
  let count = 0;
  let heavy = 0;
  for (let i = 0; i < t.signedPart.length; i++) {
    const c = t.signedPart.charCodeAt(i);
    if (c === 0x25 || c > 0x7f) heavy++;
  }
  // What one candidate costs, known before it is built: the search builds none it cannot pay for.
  const estimate = 2 * t.signedPart.length + 64 * heavy + 128;
  const affordable = (): boolean => t.meter === undefined || t.meter.work + estimate <= t.meter.limit;
  const emit = function* (a: TargetAlternative): Generator<TargetAlternative> {
    // Each candidate: a pass and a copy, a callback per escape or non-ASCII character for the changes that decode,
    // and the fixed cost of one.
    if (t.meter !== undefined) t.meter.work += estimate;
    if (count >= t.max || seen.some((x) => x.length === a.target.length && x === a.target)) return;
    seen.push(a.target);
    count++;
    yield a;
  };
  const target = t.signedPart;
  if (!affordable()) return;
  if (t.authAfterFragment != null) {
    yield* emit({
      target: t.authAfterFragment,
      code: 'DIAG_AUTH_AFTER_FRAGMENT',
      kind: 'the auth parameters after a fragment',
      message:
        "the client appended the auth parameters after the URL's #fragment and signed them there (as the original JS and Python signers did): an HTTP client never sends a fragment, so they never reach a server; sign the URL without its fragment",
    });
  }
  if (t.clientTarget !== null && t.clientTarget !== target) {
    // findTargetChange builds every variant of the target: only for targets of ordinary length (it is one call).
    const change = target.length <= 2048 ? findTargetChange(t.clientTarget, target, { appended: APPENDED, prefixes: t.prefixes }) : null;
    const message =
      change?.description ??
      'the client signed another target than the verifier received (expectedUrl), and no one known change explains it';
    if (!affordable()) return;
    yield* emit({
      target: t.clientTarget,
      code: change?.code ?? 'DIAG_TARGET_CHANGED',
      kind: CLIENT_TARGET_KIND,
      message,
      ...(change?.prefix === undefined ? {} : { extra: { prefix: change.prefix } }),
    });
  }
  if (t.beforeSignature !== null) {
    const names = t.appendedAfter.join('&');
    if (!affordable()) return;
    yield* emit({
      target: t.beforeSignature,
      code: 'DIAG_PARAMETER_APPENDED',
      kind: 'parameters appended after signing',
      message: `${names} was appended after authsignature, after signing (a cache-buster or tracking parameter): the signature covers what comes before it`,
      extra: { appended: names },
    });
  }
  if (t.fragment !== null && t.fragment !== '') {
    if (!affordable()) return;
    yield* emit({
      target: `${target}#${t.fragment}`,
      code: 'DIAG_FRAGMENT_SIGNED',
      kind: 'the fragment signed',
      message: `the client signed the fragment #${t.fragment} with the target; a fragment is never sent, so nog-v1 never signs it`,
    });
  }
  if (ESCAPE.test(target) && target.includes('%25')) {
    if (!affordable()) return;
    yield* emit({
      target: target.replace(/%25([0-9A-Fa-f]{2})/g, '%$1'),
      code: 'DIAG_DOUBLE_ENCODING',
      kind: 'double encoding',
      message: 'the target was percent-encoded twice after signing (%20 was sent as %2520): the client signed it encoded once',
    });
  }
  // Decoding, normalizing and encoding again: the work of about three candidates, paid before any is built.
  if (/%[89A-Fa-f][0-9A-Fa-f]|[^\u0000-\u007f]/.test(target) && t.meter !== undefined) t.meter.work += 2 * estimate;
  const decoded = affordable() && /%[89A-Fa-f][0-9A-Fa-f]|[^\u0000-\u007f]/.test(target) ? decodeNonAscii(target) : '';
  if (NON_ASCII.test(decoded)) {
    if (!affordable()) return;
    yield* emit({
      target: decoded,
      code: 'DIAG_PERCENT_ENCODING',
      kind: 'non-ASCII encoded',
      message:
        'non-ASCII characters were percent-encoded as UTF-8 in transit (the client signed them raw; fetch and browsers send them encoded)',
    });
    for (const form of ['NFC', 'NFD'] as const) {
      if (!affordable()) return;
      const normal = decoded.normalize(form);
      if (normal === decoded) continue;
      for (const how of ['percent-encoded', 'raw'] as const) {
        if (!affordable()) return;
        yield* emit({
          target: how === 'raw' ? normal : encodeNonAscii(normal),
          code: 'DIAG_UNICODE_NORMALIZATION',
          kind: `${form} ${how}`,
          message: `the client signed the non-ASCII characters in Unicode ${form} (${how}), and they arrived in another normalization form`,
          extra: { form },
        });
      }
    }
  }
  if (ESCAPE.test(target)) {
    if (!affordable()) return;
    yield* emit({
      target: target.replace(/%([0-9A-Fa-f]{2})/g, '%25$1'),
      code: 'DIAG_DOUBLE_ENCODING',
      kind: 'double encoding (signed)',
      message:
        'the target was signed with %2520 where %20 arrived: the client signed it percent-encoded twice and sent it encoded once, or a proxy decoded %25 to % in transit: the two cannot be told apart',
    });
  }
  // The changes of @reqsign/canonical's TargetChange (same codes and words), each one pass over the target and
  // generated only when the search reaches it: canonical's targetVariants builds every variant (every query order)
  // up front, which on a 16 KiB target costs more than the whole budget.
  const changes = targetChanges(target, t.prefixes);
  let ampersands = false;
  for (;;) {
    if (!affordable()) return;
    const next = changes.next();
    if (next.done === true) return;
    const c = next.value;
    if (c.kind === 'merged slash' && !ampersands) {
      ampersands = true;
      // Rarer than an && collapsed: that first, then the merged slashes and added prefixes.
      const q = target.indexOf('?');
      if (q !== -1) {
        // A trailing & of the client's own query (`/p?a=1&` + `&auth...`) dropped in transit, or one added.
        const firstAuth = target
          .slice(q + 1)
          .split('&')
          .findIndex((s) => APPENDED.some((n) => s === n || s.startsWith(`${n}=`)));
        if (firstAuth > 0) {
          const parts = target.slice(q + 1).split('&');
          const doubled = `${target.slice(0, q + 1)}${[...parts.slice(0, firstAuth), '', ...parts.slice(firstAuth)].join('&')}`;
          if (!affordable()) return;
          yield* emit({
            target: doubled,
            code: 'DIAG_AMPERSAND',
            kind: 'a trailing & dropped',
            message: "the client's query ended in & (the signer then added another): the empty pair between && was dropped in transit",
          });
        }
        if (target.includes('&&')) {
          if (!affordable()) return;
          yield* emit({
            target: target.replace(/&&+/g, '&'),
            code: 'DIAG_AMPERSAND',
            kind: 'an & added',
            message: 'the query arrived with && where the client signed &: an empty pair was added in transit',
          });
        }
      }
    }
    yield* emit(c);
  }
}

const change = (code: TargetChangeCode, kind: string, message: string, target: string, prefix?: string): TargetAlternative => ({
  code,
  kind,
  message,
  target,
  ...(prefix === undefined ? {} : { extra: { prefix } }),
});

/** Places tried for a merged slash or an added prefix, and query orders tried, at most. */
const MAX_PLACES = 3;
const MAX_ORDERS = 6;
const UNRESERVED = /^[A-Za-z0-9._~-]$/;

function* targetChanges(received: string, prefixes: readonly string[]): Generator<TargetAlternative> {
  const q = received.indexOf('?');
  const path = q === -1 ? received : received.slice(0, q);
  const query = q === -1 ? null : received.slice(q + 1);
  const segments = query === null ? [] : query.split('&');
  const isAuth = (s: string): boolean => APPENDED.some((n) => s === n || s.startsWith(`${n}=`));
  const join = (p: string, qs: string | null): string => (qs === null ? p : `${p}?${qs}`);
  // fn over the path and the client's own query segments, never the auth parameters.
  const mapped = (fn: (s: string) => string, queryOnly = false): string =>
    join(queryOnly ? path : fn(path), query === null ? null : segments.map((s) => (isAuth(s) ? s : fn(s))).join('&'));

  for (const raw of prefixes) {
    const prefix = raw.replace(/\/+$/, '');
    if (!prefix.startsWith('/')) continue;
    const message = `the prefix ${prefix} was stripped before verification (a router mounted under it sees only the rest of the path)`;
    yield change('DIAG_MOUNT_PREFIX', `prefix ${prefix} stripped`, message, join(prefix + path, query), prefix);
  }
  if (query !== null) {
    if (segments.length > 0 && isAuth(segments[0]!))
      yield change(
        'DIAG_EMPTY_QUERY',
        '?& dropped',
        'the client signed an empty query (/p?), and the & after ? was dropped in transit',
        join(path, `&${query}`),
      );
    if (segments.length > 1 && segments[0] === '' && isAuth(segments[1]!))
      yield change(
        'DIAG_EMPTY_QUERY',
        '& added after ?',
        'the client signed no query (/p), and an & came after ? in transit',
        join(path, query.slice(1)),
      );
    if (query.startsWith('?'))
      yield change('DIAG_EMPTY_QUERY', '??', 'the target was sent with ?? where the client signed ?', join(path, query.slice(1)));
  }
  if (query !== null) {
    const own = segments.filter((s) => !isAuth(s));
    const auth = segments
      .filter(isAuth)
      .sort((a, b) => APPENDED.findIndex((n) => a.startsWith(n)) - APPENDED.findIndex((n) => b.startsWith(n)));
    const orders: string[][] = [own];
    const sorted = [...own].sort();
    orders.push(sorted, [...own].reverse(), [...sorted].reverse());
    // A few more orders, the neighbours of the given one: every order of many parameters is no bound.
    for (let i = 0; i + 1 < own.length && orders.length < MAX_ORDERS + 4; i++) {
      const swapped = [...own];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      orders.push(swapped);
    }
    for (const order of orders) {
      yield change('DIAG_QUERY_REORDERED', 'query order', 'the query was re-ordered in transit', join(path, [...order, ...auth].join('&')));
    }
  }
  if (path.endsWith('/') && path !== '/')
    yield change(
      'DIAG_TRAILING_SLASH',
      'trailing slash',
      'a trailing slash was added to the path in transit',
      join(path.slice(0, -1), query),
    );
  else if (!path.endsWith('/'))
    yield change(
      'DIAG_TRAILING_SLASH',
      'trailing slash',
      'the trailing slash was removed from the path in transit',
      join(`${path}/`, query),
    );
  if (received.includes('%')) {
    yield change(
      'DIAG_PERCENT_ENCODING',
      'escapes upper-cased',
      'percent-escapes were upper-cased in transit (%2f became %2F)',
      mapped((s) => s.replace(/%[0-9A-Fa-f]{2}/g, (e) => e.toLowerCase())),
    );
    yield change(
      'DIAG_PERCENT_ENCODING',
      'escapes lower-cased',
      'percent-escapes were lower-cased in transit (%2F became %2f)',
      mapped((s) => s.replace(/%[0-9A-Fa-f]{2}/g, (e) => e.toUpperCase())),
    );
    yield change(
      'DIAG_PERCENT_ENCODING',
      'unreserved encoded',
      'unreserved characters were percent-encoded in transit (~ became %7E)',
      mapped((s) =>
        s.replace(/%[0-9A-Fa-f]{2}/g, (e) => {
          const c = String.fromCharCode(Number.parseInt(e.slice(1), 16));
          return UNRESERVED.test(c) ? c : e;
        }),
      ),
    );
    yield change(
      'DIAG_PERCENT_ENCODING',
      'non-ASCII encoded',
      'non-ASCII characters were percent-encoded as UTF-8 in transit (the client signed them raw; fetch and browsers send them encoded)',
      mapped(decodeNonAscii),
    );
  }
  if (NON_ASCII.test(received)) {
    yield change(
      'DIAG_PERCENT_ENCODING',
      'non-ASCII decoded',
      'percent-encoded UTF-8 was decoded to characters in transit',
      mapped(encodeNonAscii),
    );
  }
  for (const c of "~!'()*:@,;$") {
    if (!received.includes(c)) continue;
    const e = `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
    yield change(
      'DIAG_PERCENT_ENCODING',
      `${e} decoded`,
      `${e} was decoded to ${c} in transit`,
      mapped((s) => s.replaceAll(c, e)),
    );
  }
  if (query?.includes('+'))
    yield change(
      'DIAG_PLUS_SPACE',
      '%20 as +',
      '%20 became + in the query in transit (form encoding)',
      mapped((s) => s.replaceAll('+', '%20'), true),
    );
  if (query?.includes('%20'))
    yield change(
      'DIAG_PLUS_SPACE',
      '+ as %20',
      '+ became %20 in the query in transit',
      mapped((s) => s.replaceAll('%20', '+'), true),
    );
  if (/\/\.\.?(?:\/|$)/.test(path)) {
    yield change(
      'DIAG_DOT_SEGMENTS',
      'dot segments',
      'the path was signed with its dot segments removed (as a URL parser does) and sent with them',
      join(removeDotSegments(path), query),
    );
  }
  const slashes: number[] = [];
  for (let i = path.indexOf('/'); i !== -1 && slashes.length < MAX_PLACES; i = path.indexOf('/', i + 1)) slashes.push(i);
  for (const i of slashes) {
    // A slash doubled at the path's end: merged, or one of two trailing slashes removed, gives the same target.
    const message =
      i === path.length - 1
        ? 'a doubled slash was merged into one in transit (as nginx merge_slashes does), or one of two trailing slashes was removed: the two cannot be told apart'
        : 'a doubled slash was merged into one in transit (as nginx merge_slashes does)';
    yield change('DIAG_DOUBLE_SLASH', 'merged slash', message, join(`${path.slice(0, i)}/${path.slice(i)}`, query));
  }
  for (const i of slashes) {
    if (i === 0) continue;
    const prefix = path.slice(0, i);
    const message = `the client signed the path without the prefix ${prefix} (before joining it to a base URL), or a proxy added it in transit: the two cannot be told apart`;
    yield change('DIAG_MOUNT_PREFIX', `prefix ${prefix} added`, message, join(path.slice(i), query), prefix);
  }
}

/** An iterable over a generator's values that can be iterated again: each value is generated once, when first reached. */
export function lazyList<T>(source: Iterator<T>): Iterable<T> {
  const got: T[] = [];
  let done = false;
  return {
    *[Symbol.iterator]() {
      for (let i = 0; ; i++) {
        if (i < got.length) yield got[i]!;
        else if (done) return;
        else {
          const next = source.next();
          if (next.done) {
            done = true;
            return;
          }
          got.push(next.value);
          yield next.value;
        }
      }
    },
  };
}

/**
 * The secrets to try besides the key id's own: known key ids close to the carried one (a typo: at most 2 inserts,
 * deletes, replacements or swaps of two neighbours, or equal but for case), nearest first, then the other secrets
 * named by the caller, then every other key's.
 */
export function secretAlternatives(
  keyId: string,
  keyKnown: boolean,
  keys: ReadonlyArray<readonly [string, string]>,
  others: ReadonlyArray<readonly [string, string]>,
  max: number,
): SecretAlternative[] {
  const near: Array<[number, string, string]> = [];
  const far: Array<[string, string]> = [];
  // The key id with whitespace around it, raw or percent-encoded (read from a file with its newline, pasted with a
  // space): the secret is the right one, so it is the key id that is wrong, not the secret.
  let bare = keyId;
  if (/[%+\s]/.test(keyId)) {
    try {
      bare = decodeURIComponent(keyId.replaceAll('+', ' '));
    } catch {
      // a malformed escape: compared as sent
    }
    bare = bare.trim();
  }
  const padded = (id: string): boolean => bare === id && keyId !== id;
  for (const [id, secret] of keys) {
    if (id === keyId) continue;
    const d = id.toLowerCase() === keyId.toLowerCase() || padded(id) ? 0 : editDistance(id, keyId, 2);
    if (d <= 2) near.push([d, id, secret]);
    else far.push([id, secret]);
  }
  near.sort((a, b) => a[0] - b[0]);
  const out: SecretAlternative[] = [];
  for (const [, id, secret] of near) {
    const message = padded(id)
      ? `key id ${keyId} is key id ${id} with whitespace around it (raw or percent-encoded), and the signature verifies with the secret of ${id}: strip the key id`
      : keyKnown
        ? `the client signed with the secret of key id ${id}, close to the key id ${keyId} it sent: a key id typo`
        : `key id ${keyId} is unknown, but the signature verifies with the secret of key id ${id}, close to it: a key id typo`;
    out.push({ secret, secretName: id, code: 'DIAG_KEY_ID_TYPO', kind: `key id ${id}`, message, extra: { secretName: id, keyId: id } });
  }
  for (const [name, secret] of [...others, ...far]) {
    const message = keyKnown
      ? `the signature verifies with the secret of ${name}, not with this verifier's secret for key id ${keyId}`
      : `key id ${keyId} is unknown to this verifier, but the signature verifies with the secret of ${name}`;
    out.push({ secret, secretName: name, code: 'DIAG_WRONG_SECRET', kind: `secret ${name}`, message, extra: { secretName: name } });
  }
  return out.slice(0, max);
}

/** The carried signature read in every encoding a client may have used: the 32 bytes as lowercase hex, by encoding. */
export function signatureReadings(carried: string): Array<{ readonly encoding: NogSignatureEncoding; readonly hex: string }> {
  const out: Array<{ encoding: NogSignatureEncoding; hex: string }> = [];
  let text = carried;
  try {
    if (/%[0-9A-Fa-f]{2}/.test(text)) text = decodeURIComponent(text);
  } catch {
    text = carried;
  }
  if (/^[0-9a-f]{64}$/.test(carried)) out.push({ encoding: 'hex', hex: carried });
  else if (/^[0-9a-fA-F]{64}$/.test(carried)) out.push({ encoding: 'uppercase hex', hex: carried.toLowerCase() });
  const b64 = (s: string): string | null => {
    try {
      const bytes = fromBase64(s);
      return bytes.length === 32 ? toHex(bytes) : null;
    } catch {
      return null;
    }
  };
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    const hex = b64(text);
    if (hex !== null) out.push({ encoding: 'base64', hex });
  } else if (/^[A-Za-z0-9_-]{43}=?$/.test(text)) {
    const hex = b64(`${text.slice(0, 43).replaceAll('-', '+').replaceAll('_', '/')}=`);
    if (hex !== null) out.push({ encoding: 'base64url', hex });
  } else if (/^[A-Za-z0-9+/ ]{43}$/.test(text)) {
    // Unpadded standard base64 (a + may have become a space in a form decoder).
    const hex = b64(`${text.replaceAll(' ', '+')}=`);
    if (hex !== null) out.push({ encoding: 'base64 without padding', hex });
  }
  return out;
}
