/**
 * Broken clients, written from docs/spec/nog-v1.md alone (node:crypto's createHmac, never the package's `sign`), each
 * making one realistic mistake (or two) whose true cause is the label. The diagnosis must name that cause, or, where
 * the cause cannot be told from the request, name none (findings empty, `unexplained`).
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnose/node.js';
import { createVerifier } from '../src/node.js';

const KEY_ID = '0123456789abcdef0123';
const SECRET = '0123456789abcdef0123456789abcdef01234567';
const OLD_SECRET = 'fedcba9876543210fedcba9876543210fedcba98';
const OTHER_ID = '89abcdef012345670123';
const OTHER_SECRET = '1111222233334444555566667777888899990000';
/** The verifier's clock: 2015-04-20T12:40:00Z. The clients sign at 12:34:56Z unless their mistake is the clock. */
const NOW = Date.UTC(2015, 3, 20, 12, 40, 0);
const AUTHDATE = '2015-04-20T123456Z';

interface Client {
  method?: string;
  keyId?: string;
  secret?: string | Buffer;
  authdate?: string;
  expires?: string | null;
  nonce?: string | null;
  hash?: string;
  /** How the HMAC is written (default lowercase hex). */
  encode?: (mac: Buffer) => string;
  /** The string to sign from the method and the target with the auth parameters (default the spec's). */
  frame?: (method: string, target: string) => string;
}

/** The authdate `YYYY-MM-DDTHHMMSSZ` of an instant in milliseconds. */
const authdate = (ms: number): string => new Date(ms).toISOString().replace(/:|\.[^Z]*/g, '');

/** A client's signer, from the spec: the target with the auth parameters, and the signature over it. */
function signTarget(target: string, c: Client = {}): { withAuth: string; signature: string } {
  const method = c.method ?? 'GET';
  const params = [
    'authalgorithm=nog-v1',
    `authkeyid=${c.keyId ?? KEY_ID}`,
    `authdate=${c.authdate ?? AUTHDATE}`,
    ...(c.expires === null ? [] : [`authexpires=${c.expires ?? '600'}`]),
    ...(c.nonce === null ? [] : [`authnonce=${c.nonce ?? '0123456789'}`]),
  ].join('&');
  const withAuth = `${target}${target.includes('?') ? '&' : '?'}${params}`;
  const data = (c.frame ?? ((m, t) => `${m}\n${t}\n`))(method, withAuth);
  const mac = createHmac(c.hash ?? 'sha256', c.secret ?? SECRET)
    .update(data, 'utf8')
    .digest();
  return { withAuth, signature: (c.encode ?? ((b) => b.toString('hex')))(mac) };
}

/** The URL a client sends: the target it signed, then `&authsignature=`. */
function signed(target: string, c: Client = {}): string {
  const { withAuth, signature } = signTarget(target, c);
  return `${withAuth}&authsignature=${signature}`;
}

interface Case {
  /** The mistake, as a sentence. */
  readonly mistake: string;
  /** The method on the request line. */
  readonly method?: string;
  /** The URL as the verifier receives it. */
  readonly received: string;
  /** The causes that happened: every one must be named, and nothing else. Empty: not to be named, findings empty. */
  readonly causes: readonly string[];
  /** What an operator gives the diagnosis besides the verifier's options. */
  readonly options?: Record<string, unknown>;
  readonly now?: number;
  readonly failure?: string;
  /**
   * What the findings' messages must say: where the request does not tell the cause apart from another (the two give
   * the same string to sign, or the same clock), that they cannot be told apart.
   */
  readonly says?: RegExp;
  /** The search is bounded: the causes named, or no finding and `unexplained.exhausted` (it says it ran out). */
  readonly orExhausted?: boolean;
}

const hexUpper = (b: Buffer): string => b.toString('hex').toUpperCase();
const b64 = (b: Buffer): string => encodeURIComponent(b.toString('base64'));
const b64url = (b: Buffer): string => b.toString('base64url');

const CASES: Case[] = [
  // --- the target changed in transit
  { mistake: 'a proxy added a trailing slash', received: signed('/api/files/a').replace('/a?', '/a/?'), causes: ['DIAG_TRAILING_SLASH'] },
  {
    mistake: 'a proxy stripped the trailing slash',
    received: signed('/api/files/').replace('/files/?', '/files?'),
    causes: ['DIAG_TRAILING_SLASH'],
  },
  {
    mistake: 'a proxy uppercased percent-escapes',
    received: signed('/api/caf%c3%a9').replace('%c3%a9', '%C3%A9'),
    causes: ['DIAG_PERCENT_ENCODING'],
    orExhausted: true,
  },
  {
    mistake: 'a proxy uppercased a percent-escape (ASCII)',
    received: signed('/api/a%2fb').replace('%2f', '%2F'),
    causes: ['DIAG_PERCENT_ENCODING'],
    orExhausted: true,
  },
  {
    mistake: 'a proxy uppercased percent-escapes, the client URL given (expectedUrl)',
    received: signed('/api/caf%c3%a9').replace('%c3%a9', '%C3%A9'),
    causes: ['DIAG_PERCENT_ENCODING'],
    options: { expectedUrl: signed('/api/caf%c3%a9') },
  },
  {
    mistake: 'a proxy lowercased percent-escapes',
    received: signed('/api/a%2Fb').replace('%2F', '%2f'),
    causes: ['DIAG_PERCENT_ENCODING'],
  },
  {
    mistake: 'the client signed the decoded path (é raw), fetch sent it UTF-8 encoded',
    received: signed('/api/café').replace('café', 'caf%C3%A9'),
    causes: ['DIAG_PERCENT_ENCODING'],
  },
  { mistake: 'a proxy decoded %7E to ~', received: signed('/api/%7Euser').replace('%7E', '~'), causes: ['DIAG_PERCENT_ENCODING'] },
  {
    mistake: 'a proxy re-encoded + as %20 in the query',
    received: signed('/api/s?q=a+b').replace('a+b', 'a%20b'),
    causes: ['DIAG_PLUS_SPACE'],
  },
  {
    mistake: 'a proxy re-encoded %20 as + in the query',
    received: signed('/api/s?q=a%20b').replace('a%20b', 'a+b'),
    causes: ['DIAG_PLUS_SPACE'],
  },
  {
    mistake: 'a proxy sorted the query',
    received: signed('/api/s?z=1&a=2').replace('z=1&a=2', 'a=2&z=1'),
    causes: ['DIAG_QUERY_REORDERED'],
  },
  {
    mistake: 'a router mounted at /api stripped its prefix',
    received: signed('/api/files/a').slice(4),
    causes: ['DIAG_MOUNT_PREFIX'],
    options: { prefixes: ['/api'] },
  },
  {
    mistake: 'the client signed the path before joining it to its base URL (/v1)',
    received: signed('/files/a').replace('/files/a', '/v1/files/a'),
    causes: ['DIAG_MOUNT_PREFIX'],
    says: /the client signed the path without the prefix \/v1 \(before joining it to a base URL\), or a proxy added it in transit: the two cannot be told apart/,
  },
  {
    mistake: 'nginx merge_slashes merged a doubled slash',
    received: signed('/api//files/a').replace('//', '/'),
    causes: ['DIAG_DOUBLE_SLASH'],
  },
  {
    mistake: 'the client signed the normalized path and sent dot segments',
    received: signed('/api/b').replace('/api/b', '/api/x/../b'),
    causes: ['DIAG_DOT_SEGMENTS'],
  },
  {
    mistake: 'a proxy encoded the escapes a second time',
    received: signed('/api/a%20b').replace('%20', '%2520'),
    causes: ['DIAG_DOUBLE_ENCODING'],
  },
  {
    mistake: 'a proxy decoded %25 once (the client signed and sent a literal %2520)',
    received: signed('/api/a%2520b').replace('%2520', '%20'),
    causes: ['DIAG_DOUBLE_ENCODING'],
    says: /or a proxy decoded %25 to % in transit: the two cannot be told apart/,
  },
  {
    mistake: 'the client signed /p// and a proxy stripped one trailing slash',
    received: signed('/api/p//').replace('/p//?', '/p/?'),
    causes: ['DIAG_DOUBLE_SLASH'],
    says: /or one of two trailing slashes was removed: the two cannot be told apart/,
  },
  {
    mistake: 'the client signed NFD, a proxy sent NFC',
    received: signed('/api/cafe\u0301').replace('cafe\u0301', 'café'),
    causes: ['DIAG_UNICODE_NORMALIZATION'],
  },
  {
    mistake: 'the original Python client on /p? (signed /p?authalgorithm, sent /p??)',
    received: signed('/api/p').replace('/p?', '/p??'),
    causes: ['DIAG_EMPTY_QUERY'],
  },
  {
    mistake: 'the query ended in &, a proxy dropped the empty pair',
    received: signed('/api/p?x=1&').replace('x=1&&', 'x=1&'),
    causes: ['DIAG_AMPERSAND'],
  },
  {
    mistake: 'a cache-buster was appended after the signature',
    received: `${signed('/api/p')}&_=1429533296000`,
    causes: ['DIAG_PARAMETER_APPENDED'],
  },
  // --- what the client signed
  {
    mistake: 'the client signed the absolute URL',
    received: signed('https://files.example/api/p').slice('https://files.example'.length),
    causes: ['DIAG_HOST_SIGNED'],
    options: { origins: ['https://files.example'] },
  },
  {
    mistake: 'the client signed the absolute URL (absolute-form request line)',
    received: signed('https://files.example/api/p'),
    causes: ['DIAG_HOST_SIGNED'],
  },
  {
    mistake: 'the client signed the fragment (after the auth parameters) and sent it',
    received: (() => {
      const { withAuth } = signTarget('/api/p');
      const signature = createHmac('sha256', SECRET).update(`GET\n${withAuth}#top\n`).digest('hex');
      return `${withAuth}&authsignature=${signature}#top`;
    })(),
    causes: ['DIAG_FRAGMENT_SIGNED'],
  },
  {
    mistake: "a right signature, and the URL's #fragment written into the request line after it",
    received: `${signed('/api/p?x=1')}#section-2`,
    causes: ['DIAG_FRAGMENT_RECEIVED'],
  },
  {
    mistake: "the client appended the auth parameters after the URL's #fragment and signed them there (the original signers)",
    received: (() => {
      const { withAuth } = signTarget('/api/p?x=1#section-2');
      return `${withAuth}&authsignature=${createHmac('sha256', SECRET).update(`GET\n${withAuth}\n`).digest('hex')}`;
    })(),
    causes: ['DIAG_AUTH_AFTER_FRAGMENT'],
  },
  { mistake: 'the client signed the method in lowercase', received: signed('/api/p', { method: 'get' }), causes: ['DIAG_METHOD_CASE'] },
  { mistake: 'the client signed GET, sent HEAD', method: 'HEAD', received: signed('/api/p'), causes: ['DIAG_METHOD'] },
  {
    mistake: 'the client signed and sent POST; a method-override middleware made it PUT before verification',
    method: 'PUT',
    received: signed('/api/p', { method: 'POST' }),
    causes: ['DIAG_METHOD'],
    says: /the client signed the request as POST, and it reached the verifier as PUT \(sent so, or changed on the way, as a method override does\)/,
  },
  {
    mistake: 'the client signed without the final newline',
    received: signed('/api/p', { frame: (m, t) => `${m}\n${t}` }),
    causes: ['DIAG_STRING_TO_SIGN'],
  },
  {
    mistake: 'the client signed with \\r\\n line ends',
    received: signed('/api/p', { frame: (m, t) => `${m}\r\n${t}\r\n` }),
    causes: ['DIAG_STRING_TO_SIGN'],
  },
  {
    mistake: 'the client wrote the HMAC in uppercase hex',
    received: signed('/api/p', { encode: hexUpper }),
    causes: ['DIAG_SIGNATURE_ENCODING'],
  },
  { mistake: 'the client wrote the HMAC in base64', received: signed('/api/p', { encode: b64 }), causes: ['DIAG_SIGNATURE_ENCODING'] },
  {
    mistake: 'the client wrote the HMAC in base64url',
    received: signed('/api/p', { encode: b64url }),
    causes: ['DIAG_SIGNATURE_ENCODING'],
  },
  // --- keys
  {
    mistake: 'the client signed with the secret before rotation',
    received: signed('/api/p', { secret: OLD_SECRET }),
    causes: ['DIAG_WRONG_SECRET'],
    options: { otherSecrets: { 'before rotation': OLD_SECRET } },
  },
  {
    mistake: "the client signed with another key's secret",
    received: signed('/api/p', { secret: OTHER_SECRET }),
    causes: ['DIAG_WRONG_SECRET'],
  },
  {
    mistake: 'the client sent the key id in uppercase',
    received: signed('/api/p', { keyId: KEY_ID.toUpperCase() }),
    causes: ['DIAG_KEY_ID_TYPO'],
  },
  { mistake: 'the key id has a trailing space (+)', received: signed('/api/p', { keyId: `${KEY_ID}+` }), causes: ['DIAG_KEY_ID_TYPO'] },
  {
    mistake: 'the key id was read from a file with its newline (sent as %0A)',
    received: signed('/api/p', { keyId: `${KEY_ID}%0A` }),
    causes: ['DIAG_KEY_ID_TYPO'],
    says: /is key id 0123456789abcdef0123 with whitespace around it/,
  },
  {
    mistake: 'the key id was pasted with a leading space (sent as %20)',
    received: signed('/api/p', { keyId: `%20${KEY_ID}` }),
    causes: ['DIAG_KEY_ID_TYPO'],
    says: /is key id 0123456789abcdef0123 with whitespace around it/,
  },
  { mistake: 'the key id lost a digit', received: signed('/api/p', { keyId: KEY_ID.slice(1) }), causes: ['DIAG_KEY_ID_TYPO'] },
  // --- mistakes no hypothesis covers: nothing may be named
  { mistake: 'the client hex-decoded the secret', received: signed('/api/p', { secret: Buffer.from(SECRET, 'hex') }), causes: [] },
  { mistake: 'the secret was read from a file with its newline', received: signed('/api/p', { secret: `${SECRET}\n` }), causes: [] },
  { mistake: 'the client used HMAC-SHA1', received: signed('/api/p', { hash: 'sha1' }), causes: [] },
  { mistake: 'the client used HMAC-SHA512', received: signed('/api/p', { hash: 'sha512' }), causes: [] },
  { mistake: 'the client used HMAC-SHA384 in base64', received: signed('/api/p', { hash: 'sha384', encode: b64 }), causes: [] },
  {
    mistake: 'the client put authsignature before authnonce',
    received: (() => {
      const { withAuth, signature } = signTarget('/api/p');
      return withAuth.replace('&authnonce', `&authsignature=${signature}&authnonce`);
    })(),
    causes: ['DIAG_QUERY_REORDERED'],
    says: /the client put it there, or it was moved in transit: the two cannot be told apart/,
  },
  { mistake: 'the client wrote the authdate with colons', received: signed('/api/p', { authdate: '2015-04-20T12:34:56Z' }), causes: [] },
  { mistake: 'the client wrote authexpires=600.0', received: signed('/api/p', { expires: '600.0' }), causes: [] },
  { mistake: 'the client wrote authexpires=6e2', received: signed('/api/p', { expires: '6e2' }), causes: [] },
  { mistake: 'the client signed with the key id as the secret', received: signed('/api/p', { secret: KEY_ID }), causes: [] },
  { mistake: 'the signature lost its last hex digit', received: signed('/api/p').slice(0, -1), causes: [] },
  { mistake: 'the client signed another path', received: signed('/api/q').replace('/api/q', '/api/p'), causes: [] },
  {
    mistake: 'the client signed authexpires=300 and sent 600',
    received: signed('/api/p', { expires: '300' }).replace('authexpires=300', 'authexpires=600'),
    causes: [],
  },
  // --- the clock
  {
    mistake: "the client's clock is 20 minutes fast",
    received: signed('/api/p', { authdate: authdate(NOW + 20 * 60_000) }),
    causes: ['DIAG_CLOCK_SKEW'],
  },
  {
    mistake: "the client's clock is 20 minutes slow",
    received: signed('/api/p', { authdate: authdate(NOW - 20 * 60_000) }),
    causes: ['DIAG_EXPIRED'],
  },
  {
    mistake: 'the client wrote local time (UTC+02:00) with Z',
    received: signed('/api/p', { authdate: authdate(NOW + 2 * 3600_000 - 30_000) }),
    causes: ['DIAG_CLOCK_SKEW'],
    says: /a local time in UTC\+02:00 written with Z, or a clock off by that much: the two cannot be told apart/,
  },
  {
    mistake: "the client's clock is exactly an hour fast (not a zone)",
    received: signed('/api/p', { authdate: authdate(NOW + 3600_000) }),
    causes: ['DIAG_CLOCK_SKEW'],
    says: /a local time in UTC\+01:00 written with Z, or a clock off by that much: the two cannot be told apart/,
  },
  {
    mistake: 'the client wrote local time (UTC-05:00) with Z',
    received: signed('/api/p', { authdate: authdate(NOW - 5 * 3600_000 - 30_000) }),
    causes: ['DIAG_EXPIRED'],
    says: /a local time in UTC-05:00 written with Z, or a URL used that late \(or a clock off by that much\): the two cannot be told apart/,
  },
  {
    mistake: 'the signed URL was used an hour late (not a zone)',
    received: signed('/api/p', { authdate: authdate(NOW - 3600_000) }),
    causes: ['DIAG_EXPIRED'],
    says: /a local time in UTC-01:00 written with Z, or a URL used that late \(or a clock off by that much\): the two cannot be told apart/,
  },
  {
    mistake: 'the signed URL was sent twice',
    received: signed('/api/p'),
    causes: ['DIAG_NONCE_REPLAYED'],
    failure: 'ERR_AUTH_NONCE_INVALID',
  },
  // --- two mistakes at once
  {
    mistake: 'base64 and a stripped prefix',
    received: signed('/api/p', { encode: b64 }).slice(4),
    causes: ['DIAG_SIGNATURE_ENCODING', 'DIAG_MOUNT_PREFIX'],
    options: { prefixes: ['/api'] },
  },
  {
    mistake: 'lowercase method and uppercase hex',
    received: signed('/api/p', { method: 'get', encode: hexUpper }),
    causes: ['DIAG_METHOD_CASE', 'DIAG_SIGNATURE_ENCODING'],
  },
  {
    mistake: 'the host signed and the query sorted',
    received: signed('https://files.example/api/s?z=1&a=2').slice(21).replace('z=1&a=2', 'a=2&z=1'),
    causes: ['DIAG_HOST_SIGNED', 'DIAG_QUERY_REORDERED'],
    options: { origins: ['https://files.example'] },
    orExhausted: true,
  },
  {
    mistake: 'the host signed and the query sorted, the client URL given (expectedUrl)',
    received: signed('https://files.example/api/s?z=1&a=2').slice(21).replace('z=1&a=2', 'a=2&z=1'),
    causes: ['DIAG_HOST_SIGNED', 'DIAG_QUERY_REORDERED'],
    options: { expectedUrl: signed('https://files.example/api/s?z=1&a=2') },
  },
  {
    mistake: '\\r\\n and a stripped prefix',
    received: signed('/api/p', { frame: (m, t) => `${m}\r\n${t}\r\n` }).slice(4),
    causes: ['DIAG_STRING_TO_SIGN', 'DIAG_MOUNT_PREFIX'],
    options: { prefixes: ['/api'] },
    orExhausted: true,
  },
  {
    mistake: 'a key id typo and uppercase hex',
    received: signed('/api/p', { keyId: KEY_ID.slice(1), encode: hexUpper }),
    causes: ['DIAG_KEY_ID_TYPO', 'DIAG_SIGNATURE_ENCODING'],
  },
  {
    mistake: 'the old secret and a clock 20 minutes slow',
    received: signed('/api/p', { secret: OLD_SECRET, authdate: authdate(NOW - 20 * 60_000) }),
    causes: ['DIAG_WRONG_SECRET', 'DIAG_EXPIRED'],
    options: { otherSecrets: { 'before rotation': OLD_SECRET } },
  },
  {
    mistake: 'uppercase hex and a clock 20 minutes fast',
    received: signed('/api/p', { encode: hexUpper, authdate: authdate(NOW + 20 * 60_000) }),
    causes: ['DIAG_SIGNATURE_ENCODING', 'DIAG_CLOCK_SKEW'],
  },
  {
    mistake: 'GET signed for HEAD and no final newline',
    method: 'HEAD',
    received: signed('/api/p', { frame: (m, t) => `${m}\n${t}` }),
    causes: ['DIAG_METHOD', 'DIAG_STRING_TO_SIGN'],
  },
  {
    mistake: 'a trailing slash added and base64url',
    received: signed('/api/files/a', { encode: b64url }).replace('/a?', '/a/?'),
    causes: ['DIAG_TRAILING_SLASH', 'DIAG_SIGNATURE_ENCODING'],
  },
  {
    mistake: 'hex-decoded secret and a stripped prefix',
    received: signed('/api/p', { secret: Buffer.from(SECRET, 'hex') }).slice(4),
    causes: [],
    options: { prefixes: ['/api'] },
  },
];

const KEYS = { [KEY_ID]: SECRET, [OTHER_ID]: OTHER_SECRET };

describe('diagnose against broken clients written from the spec', () => {
  it.each(CASES)('$mistake', async (c) => {
    const now = c.now ?? NOW;
    const options = { keys: KEYS, now: () => now, maxClockSkew: 900 };
    const method = c.method ?? 'GET';
    const verdict = await createVerifier(options).verify(method, c.received);
    const failure = c.failure ? { code: c.failure } : verdict.ok ? undefined : verdict;
    expect(verdict.ok && !c.failure).toBe(false);
    const d = await diagnose(method, c.received, { ...options, ...c.options, ...(failure ? { failure } : {}) } as never);
    const codes = d.findings.map((f) => f.code);
    if (c.orExhausted && codes.length === 0) expect(d.unexplained?.exhausted).toBe(true);
    else expect([...new Set(codes)].sort()).toEqual([...c.causes].sort());
    if (codes.length === 0) expect(d.unexplained).not.toBeNull();
    if (c.says) expect(d.findings.map((f) => f.message).join('\n')).toMatch(c.says);
  });
});

/**
 * One edit of one character at any position of a validly signed target, over all of UTF-16. The diagnosis may name a
 * target change only when that edit is one: a changed case of an escape's hex digit (`DIAG_PERCENT_ENCODING`); a `/`
 * removed or added (trailing slash, merged slash, a leading segment added); `&` or `?` removed or added (an empty query
 * pair, `?&`, `??`); a `.` added (a dot segment). Any other named cause is a guess. It never throws.
 */
describe('diagnose on a signed target with one character changed anywhere', () => {
  const ALLOWED: Record<string, readonly string[]> = {
    '-/': ['DIAG_TRAILING_SLASH', 'DIAG_DOUBLE_SLASH'],
    '+/': ['DIAG_TRAILING_SLASH', 'DIAG_DOUBLE_SLASH', 'DIAG_MOUNT_PREFIX'],
    '-&': ['DIAG_EMPTY_QUERY', 'DIAG_AMPERSAND'],
    '+&': ['DIAG_EMPTY_QUERY', 'DIAG_AMPERSAND'],
    '-?': ['DIAG_EMPTY_QUERY'],
    '+?': ['DIAG_EMPTY_QUERY'],
    '+.': ['DIAG_DOT_SEGMENTS'],
  };
  const options = { keys: KEYS, now: () => NOW, maxClockSkew: 900 };
  const noAuth = (s: string): boolean => !s.split('&').some((p) => p.startsWith('auth'));
  /** All of UTF-16, and as often text of the characters that the changes are about. */
  const URLISH = ['/', '/', '&', '?', '.', '%', '%2f', '%2F', '%7E', '~', '+', '%20', 'é', 'a', 'b', '=', '//'];
  const text = (maxLength: number): fc.Arbitrary<string> =>
    fc.oneof(
      fc.string({ unit: 'binary', maxLength }),
      fc.array(fc.constantFrom(...URLISH), { maxLength: Math.ceil(maxLength / 2) }).map((a) => a.join('')),
    );

  it('names no cause the edit is not, and never throws', async () => {
    const named: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        text(24).map((s) => `/${s.replace(/[?#]/g, '')}`),
        fc.option(
          text(16)
            .map((s) => s.replace(/#/g, ''))
            .filter(noAuth),
        ),
        fc.nat(),
        fc.constantFrom('sub', 'del', 'ins', 'case'),
        fc.oneof(fc.constantFrom('/', '&', '?', '.', '%', 'a', 'A', 'f', 'F'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
        async (path, query, at, op, ch) => {
          const target = query === null ? path : `${path}?${query}`;
          const { withAuth, signature } = signTarget(target);
          const hexInEscape: number[] = [];
          for (const m of target.matchAll(/%[0-9A-Fa-f]{2}/g)) hexInEscape.push(m.index + 1, m.index + 2);
          // Half the edits where `ch` is (a slash or & removed or doubled), the others anywhere.
          const same = [...target].flatMap((c, j) => (c === ch ? [j] : []));
          const anywhere = at % (op === 'ins' ? target.length + 1 : target.length);
          const i =
            op === 'case'
              ? (hexInEscape[at % Math.max(hexInEscape.length, 1)] ?? 0)
              : at % 2 === 0 && same.length > 0
                ? same[(at >> 1) % same.length]!
                : anywhere;
          if (i === 0) return; // the leading slash: no target without it
          let changed: string;
          let key: string;
          if (op === 'del') {
            changed = target.slice(0, i) + target.slice(i + 1);
            key = `-${target[i]}`;
          } else if (op === 'ins') {
            changed = target.slice(0, i) + ch + target.slice(i);
            key = `+${ch}`;
          } else {
            const c = op === 'case' ? (target[i] === target[i]!.toUpperCase() ? target[i]!.toLowerCase() : target[i]!.toUpperCase()) : ch;
            if (target[i] === c) return;
            changed = target.slice(0, i) + c + target.slice(i + 1);
            key = hexInEscape.includes(i) && target[i]!.toLowerCase() === c.toLowerCase() ? 'case' : 'sub';
          }
          const received = `${changed}${withAuth.slice(target.length)}&authsignature=${signature}`;
          const d = await diagnose('GET', received, options);
          // A trailing slash is one at the path's end, before or after the edit.
          const pathEnd = (t: string, j: number): boolean => j === (t.includes('?') ? t.indexOf('?') : t.length) - 1;
          const trailing = key === '-/' ? pathEnd(target, i) : key === '+/' ? pathEnd(changed, i) : true;
          const allowed = (key === 'case' ? ['DIAG_PERCENT_ENCODING'] : (ALLOWED[key] ?? [])).filter(
            (c) => c !== 'DIAG_TRAILING_SLASH' || trailing,
          );
          for (const f of d.findings) {
            named[f.code] = (named[f.code] ?? 0) + 1;
            if (!allowed.includes(f.code)) throw new Error(`${key} at ${i} of ${JSON.stringify(target)}: named ${f.code}: ${f.message}`);
          }
        },
      ),
      { numRuns: 200, seed: 31 },
    );
    // The property saw each kind of change named at least once (it can fail).
    expect(Object.keys(named).sort()).toEqual(
      expect.arrayContaining(['DIAG_DOUBLE_SLASH', 'DIAG_PERCENT_ENCODING', 'DIAG_TRAILING_SLASH']),
    );
  }, 60_000);
});

/** A known change applied to a validly signed target: whatever the diagnosis names is that change. */
describe('diagnose on a signed target after one known change in transit', () => {
  const segment = fc.constantFrom(
    'a',
    'b',
    '%2F',
    '%2f',
    '~',
    '%7E',
    '+',
    '%20',
    'é',
    'e\u0301',
    '%C3%A9',
    '.',
    '..',
    '',
    '%25',
    '%2520',
    '=',
    'x=1',
  );
  type Change = (path: string, query: string | null) => [string, string | null] | null;
  const CHANGES: ReadonlyArray<readonly [string, Change]> = [
    ['DIAG_TRAILING_SLASH', (p, q) => (p.endsWith('/') ? [p.slice(0, -1), q] : [`${p}/`, q])],
    ['DIAG_DOUBLE_SLASH', (p, q) => (p.includes('//') ? [p.replace('//', '/'), q] : null)],
    ['DIAG_PERCENT_ENCODING', (p, q) => (/%[a-f]/.test(p) ? [p.replace(/%[0-9A-Fa-f]{2}/g, (e) => e.toUpperCase()), q] : null)],
    ['DIAG_PERCENT_ENCODING', (p, q) => (/%[0-9]?[A-F]/.test(p) ? [p.replace(/%[0-9A-Fa-f]{2}/g, (e) => e.toLowerCase()), q] : null)],
    ['DIAG_PERCENT_ENCODING', (p, q) => (p.includes('%7E') ? [p.replace('%7E', '~'), q] : null)],
    ['DIAG_PLUS_SPACE', (p, q) => (q?.includes('+') ? [p, q.replaceAll('+', '%20')] : null)],
    ['DIAG_DOUBLE_ENCODING', (p, q) => (p.includes('%') ? [p.replace(/%([0-9A-Fa-f]{2})/g, '%25$1'), q] : null)],
    ['DIAG_MOUNT_PREFIX', (p, q) => (p.startsWith('/api/') ? [p.slice(4), q] : null)],
    ['DIAG_QUERY_REORDERED', (p, q) => (q?.includes('&') ? [p, q.split('&').reverse().join('&')] : null)],
  ];
  it('is the change applied, or nothing', async () => {
    let named = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 6 }),
        fc.option(fc.array(fc.constantFrom('a=1', 'b=2', 'q=a+b', 'q=a%20b', 'z'), { maxLength: 3 })),
        fc.nat(CHANGES.length - 1),
        fc.boolean(),
        async (segments, pairs, which, api) => {
          const path = `${api ? '/api' : ''}/${segments.join('/')}`;
          const query = pairs === null ? null : pairs.join('&');
          const [code, change] = CHANGES[which]!;
          const after = change(path, query);
          if (after === null) return;
          const target = query === null ? path : `${path}?${query}`;
          const { withAuth, signature } = signTarget(target);
          const [p, q] = after;
          const received = `${q === null ? p : `${p}?${q}`}${withAuth.slice(target.length)}&authsignature=${signature}`;
          if (received === `${withAuth}&authsignature=${signature}`) return;
          const d = await diagnose('GET', received, { keys: KEYS, now: () => NOW, prefixes: ['/api'] });
          const codes = d.findings.map((f) => f.code);
          if (codes.length > 0) named++;
          if (codes.length > 0 && !codes.includes(code as never))
            throw new Error(`${code}: ${target} arrived as ${received}: named ${codes.join(', ')}`);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
    expect(named).toBeGreaterThan(50);
  }, 60_000);
});

/** A valid signature under any clock offset: the clock finding has the offset's figures, and a zone never alone. */
describe('diagnose under any clock offset', () => {
  it('names the skew or the expiry with its seconds, and a zone only beside "cannot be told apart"', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -2 * 86_400, max: 2 * 86_400 }), fc.integer({ min: 0, max: 3600 }), async (offset, expires) => {
        const at = NOW + offset * 1000;
        const received = signed('/api/p', { authdate: authdate(at), expires: String(expires) });
        const options = { keys: KEYS, now: () => NOW, maxClockSkew: 900 };
        const verdict = await createVerifier(options).verify('GET', received);
        const d = await diagnose('GET', received, { ...options, ...(verdict.ok ? {} : { failure: verdict }) });
        const codes = d.findings.map((f) => f.code);
        if (verdict.ok) expect(codes).toEqual([]);
        else if (verdict.code === 'ERR_AUTH_DATE_FUTURE') {
          expect(codes).toEqual(['DIAG_CLOCK_SKEW']);
          expect(d.findings[0]).toMatchObject({ offsetSeconds: offset });
        } else {
          expect(verdict.code).toBe('ERR_AUTH_SIG_EXPIRED');
          expect(codes).toEqual(['DIAG_EXPIRED']);
          expect(d.findings[0]).toMatchObject({ bySeconds: -offset - expires });
        }
        for (const f of d.findings) if (/UTC[+-]\d\d:\d\d/.test(f.message)) expect(f.message).toContain('the two cannot be told apart');
      }),
      { numRuns: 120, seed: 5 },
    );
  }, 60_000);
});
