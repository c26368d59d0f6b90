import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { VectorFile } from './vectors.js';

/**
 * Generators of inputs for each operation of the conformance protocol, over the whole domain that the schemas and
 * the specifications describe, and past it, as PROTOCOL.md says the fuzz mode goes: about one input in seven breaks
 * the operation's schema (a member dropped, set to `null` or to a value of another type or range, a member added that
 * the schema does not know or that does not apply), the option numbers reach past the ends of their ranges, nOps's
 * option strings go outside their sets, and nOps URLs reach past the target length limit. A disagreement on an input
 * that breaks the schema is written as a candidate flagged BreaksSchema.
 */

type Input = Record<string, unknown>;

/** Pieces that URLs are built of: every percent-encoding form, malformed escapes, non-ASCII and astral characters. */
const URL_PIECES = [
  'a',
  'b',
  'x',
  'p',
  '0',
  '9',
  'é',
  'ü',
  '中',
  '😀',
  '\uD83D',
  '\uDE00',
  '/',
  '//',
  '.',
  '..',
  '?',
  '??',
  '&',
  '&&',
  '=',
  '#',
  '##',
  '%',
  '%2',
  '%2f',
  '%2F',
  '%20',
  '%C3%A9',
  '%c3%a9',
  '%zz',
  '%G0',
  '%E2%82',
  '%FF',
  '%00',
  '%7E',
  '~',
  '+',
  ';',
  ':',
  '@',
  '[',
  ']',
  '!',
  '$',
  "'",
  '(',
  ')',
  '*',
  ',',
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u007f',
  '\u0080',
  '\u00a0',
  '\u2028',
  '\uFEFF',
  '\\',
  '"',
  '<',
  '>',
  '^',
  '`',
  '{',
  '|',
  '}',
  'api_key',
  'api_key=',
  'api%5Fkey',
  'authkeyid',
  'authkeyid=',
  'auth%6Beyid',
  'authdate=',
  'authnonce',
  'authexpires=',
  'authalgorithm=',
  'authsignature=',
  'authsignature',
];
const ORIGINS = [
  '',
  '',
  '',
  'http://h',
  'https://h',
  'HTTP://H',
  'hTtPs://a.example:8443',
  'http://u:p@h',
  'http://[::1]:80',
  'http://h:',
  'http://:80',
  'http://',
  'http://@',
  'http:h',
  'http:/h',
  'ftp://h',
  'h://x',
  '1http://h',
  '//h',
  '//',
  'http://h@',
  'https://a@b@c',
  'http://é',
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...URL_PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);
const tail = fc.array(piece, { maxLength: 10 }).map((p) => p.join(''));
/** A URL or target: an origin (often none) and a path, query and fragment made of tricky pieces. */
export const urlArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...ORIGINS), fc.constantFrom('/', '/', '/p/', '', '?', '#', 'x'), tail)
  .map(([o, start, rest]) => o + start + rest);

const digits = (n: number, max = 10 ** n - 1) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
const oddNumberText = fc.constantFrom('', '0', '00000', '1', '-1', '+1', '١', '٢٠١٥', ' 1', 'x', '1e3', '0x1', '1.5', '-0');
/** Date-time texts: right shapes across years 0000-9999 and beyond, near misses. */
export const datetimeText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(digits(4), digits(2, 13), digits(2, 32), digits(2, 25), digits(2, 61), digits(2, 61))
      .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}${mi}${s}Z`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
      .map(([mo, d]) => `2015-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T123456Z`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '0000-01-01T000000Z',
      '9999-12-31T235959Z',
      '10000-01-01T000000Z',
      '+002015-04-20T123456Z',
      '-0001-01-01T000000Z',
      '2015-04-20t123456z',
      '2015-04-20T12:34:56Z',
      '2015-04-20T123456.000Z',
      '2015-04-20T123456',
      ' 2015-04-20T123456Z',
      '2015-04-20T123456Z\n',
      '2016-02-29T000000Z',
      '2015-02-29T000000Z',
      '2000-02-29T240000Z',
      '1900-02-29T000000Z',
      '0000-02-29T000000Z',
      '2015-04-20T123460Z',
      '２０１５-04-20T123456Z',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.tuple(oddNumberText, oddNumberText).map(([a, b]) => `${a}-04-20T12${b}Z`) },
);
/** Day texts `YYYY-MM-DD` and near misses. */
export const dayText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(digits(4), digits(2, 13), digits(2, 32)).map(([y, m, d]) => `${y}-${m}-${d}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2022-01-10',
      '0000-01-01',
      '9999-12-31',
      '10000-01-01',
      '2022-1-10',
      '2022-01-10T00:00:00Z',
      '2022-01-10 ',
      '20220110',
      '2024-02-29',
      '2023-02-29',
      '',
      '٢٠٢٢-01-10',
      '-2022-01-10',
      '+2022-01-10',
    ),
  },
);
/**
 * Zone names that tz releases after 2017c added. canonical.md lets a name a newer release adds be a zone only where
 * the database holds it (`ERR_TIME_ZONE` on an older one), and vectors use only names that every release since 2017c
 * holds; the fuzz mode keeps the same rule, so that a correct port on an older tzdata does not "disagree". A test
 * holds every generated zone name to it.
 */
export const ZONES_NEWER_THAN_2017C: readonly string[] = [
  'Asia/Qostanay', // 2018h
  'America/Nuuk', // 2020a (Godthab before)
  'Pacific/Kanton', // 2021b (Enderbury before)
  'Europe/Kyiv', // 2022b (Kiev before)
  'America/Ciudad_Juarez', // 2022g
  'America/Coyhaique', // 2025b
];
const NEWER = new Set(ZONES_NEWER_THAN_2017C.map((z) => z.toLowerCase()));
const ZONES: readonly string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
  }
})().filter((z) => !NEWER.has(z.toLowerCase()));
/** Time-zone names: IANA names and case variants of them, links, offsets, empty and bogus ones. */
export const zoneArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ZONES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'UTC',
      'utc',
      'Utc',
      'GMT',
      'gmt',
      'Etc/UTC',
      'etc/utc',
      'Etc/GMT+14',
      'Etc/GMT-14',
      'Etc/GMT+15',
      'Z',
      'z',
      '',
      ' ',
      'UTC ',
      '+01:00',
      '-05:00',
      '+0100',
      'Europe/Kiev',
      'US/Eastern',
      'EST',
      'EST5EDT',
      'Asia/Calcutta',
      'Nowhere/Bogus',
      'Europe/berlin',
      'EUROPE/BERLIN',
      'Europe//Berlin',
      '../etc',
      'Local',
      'localtime',
      'Factory',
      'posixrules',
      'Etc/Unknown',
      'UTC\u0000',
      // ICU's ids that are no IANA names (canonical.md, "Dates"), and three-letter IANA names beside them.
      'PST',
      'pst',
      'CST',
      'IST',
      'SystemV/AST4',
      'US/Pacific-New',
      'Canada/East-Saskatchewan',
      'MST',
      'UCT',
      'CET',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...ZONES).map((z) => (z.length % 2 ? z.toLowerCase() : z.toUpperCase())) },
);
/**
 * Zones' histories before 1970 differ between releases and builds of the tz database (`backzone` gives links such
 * as Pacific/Midway a history of their own), so before 1970 only fixed-offset zones are compared
 * (canonical.md, "Dates").
 */
function knownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
function portableZone<T extends { epochMs: number; timeZone?: string }>(input: T): T {
  if (
    input.timeZone === undefined ||
    input.epochMs >= 0 ||
    !knownZone(input.timeZone) ||
    /^(Etc\/GMT[+-]\d+|UTC|Etc\/UTC)$/.test(input.timeZone)
  )
    return input;
  const hours = (Math.floor(Math.abs(input.epochMs) / 3.6e6) % 27) - 13;
  return { ...input, timeZone: hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '+' : '-'}${Math.abs(hours)}` };
}
const MAX_MS = 253402300799999;
const MIN_MS = -62167219200000;
/** Epoch milliseconds: integers in and just outside 0000-9999, fractions, negative fractions, beyond Date's range. */
export const epochArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: MIN_MS - 86_400_000 * 2, max: MAX_MS + 86_400_000 * 2 }) },
  { weight: 2, arbitrary: fc.integer({ min: -10_000_000, max: 10_000_000 }) },
  { weight: 2, arbitrary: fc.double({ min: -1e13, max: 1e13, noNaN: true, noDefaultInfinity: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      MAX_MS,
      MAX_MS + 1,
      MIN_MS,
      MIN_MS - 1,
      -0.5,
      0.5,
      -1.5,
      -999.9,
      999.9,
      8.64e15,
      8.64e15 + 1,
      -8.64e15,
      1e21,
      -1e21,
      1e300,
      5e-324,
      -0,
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.constantFrom(0.1, 0.5, 0.9, 0.999))
      .map(([i, f]) => i * 86_400_000 + (i < 0 ? -f : f)),
  },
);
/** Numbers a JSON field may hold where a whole number of seconds is meant. */
export const secondsArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -1000, max: 100_000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0,
      -0,
      1.5,
      0.1,
      2 ** 53,
      2 ** 53 + 2,
      2 ** 53 - 1,
      1e21,
      1e300,
      5e-324,
      253402300800,
      253402300799,
      -1e21,
      600.0000001,
    ),
  },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);
const TOKEN = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
const tokenish = fc.oneof(
  { weight: 4, arbitrary: TOKEN },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a b', 'a/b', 'é', 'a&b', 'a=b', 'a%20', 'a\n', '😀', 'a:b', 'a+b') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const methodArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'POST', 'get', 'PUT', 'DELETE', 'M-SEARCH', "X!#$%&'*+-.^_`|~") },
  { weight: 1, arbitrary: fc.constantFrom('', 'G ET', 'GET\n', 'GÉT', '(GET)', 'GET/', 'a:b', '"') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

// ---- canonical -------------------------------------------------------------------------------------------------

/** A count option (a length limit, a store's size): mostly small, sometimes at or past an end of its range. */
const countArb = (small: fc.Arbitrary<number>) =>
  fc.oneof({ weight: 8, arbitrary: small }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e20) });
const targetArb = fc.record(
  { url: urlArb, maxLength: countArb(fc.integer({ min: 1, max: 40 })), received: fc.boolean() },
  { requiredKeys: ['url'] },
);

const pairsText = fc
  .array(fc.tuple(tokenish, fc.option(tail, { nil: undefined })), { maxLength: 3 })
  .map((ps) => ps.map(([n, v]) => (v === undefined ? n : `${n}=${v}`)).join('&'));
const queryArb = fc.record(
  { target: urlArb, append: fc.oneof(fc.constant(''), pairsText, tail), decode: fc.boolean() },
  { requiredKeys: ['target'] },
);

const dateArb = fc.oneof(
  fc.record({ kind: fc.constant('datetime'), text: datetimeText }),
  fc.record({ kind: fc.constant('datetime'), epochMs: epochArb }),
  fc.record({ kind: fc.constant('day'), text: dayText }),
  fc.record({ kind: fc.constant('day'), epochMs: epochArb, timeZone: zoneArb }, { requiredKeys: ['kind', 'epochMs'] }).map(portableZone),
);

const HEX = '0123456789abcdefABCDEF';
const hexArb = fc.oneof(
  fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('hex')),
  fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('hex').toUpperCase()),
  fc.array(fc.constantFrom(...HEX, 'g', ' ', 'x', '0x', '-', 'é'), { maxLength: 9 }).map((c) => c.join('')),
);
const base64Arb = fc.oneof(
  fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64')),
  fc
    .tuple(
      fc.uint8Array({ minLength: 1, maxLength: 12 }),
      fc.nat(),
      fc.constantFrom('=', '', '\n', ' ', '-', '_', 'A', 'B', '==', '===', '/', '+', 'é'),
    )
    .map(([b, at, c]) => {
      const s = Buffer.from(b).toString('base64');
      const i = at % (s.length + 1);
      return s.slice(0, i) + c + s.slice(i + (c === '' ? 1 : 0));
    }),
  fc.array(fc.constantFrom('A', 'B', 'Q', 'g', 'w', '/', '+', '=', '-', '_', ' ', '\n'), { maxLength: 9 }).map((c) => c.join('')),
);
const encodingArb = fc.oneof(
  fc.record({ encoding: fc.constant('hex'), hex: hexArb }),
  fc.record({ encoding: fc.constant('hex'), text: hexArb }),
  fc.record({ encoding: fc.constant('base64'), hex: hexArb }),
  fc.record({ encoding: fc.constant('base64'), text: base64Arb }),
);

// ---- nog-v1 ----------------------------------------------------------------------------------------------------

const KEY_ID = '0123456789abcdef0123';
const SECRET = '0123456789abcdef0123456789abcdef01234567';

const nogSignArb = fc.record(
  {
    method: methodArb,
    url: urlArb,
    keyId: fc.oneof({ weight: 3, arbitrary: fc.constant(KEY_ID) }, { weight: 1, arbitrary: tokenish }),
    secret: fc.oneof({ weight: 3, arbitrary: fc.constant(SECRET) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }),
    authdate: datetimeText,
    expires: secondsArb,
    nonce: fc.oneof(fc.constant(null), tokenish),
    maxUrlLength: fc.integer({ min: 1, max: 400 }),
  },
  { requiredKeys: ['method', 'url', 'keyId', 'secret', 'authdate', 'expires', 'nonce'] },
);

const AUTHDATE = '2015-04-20T123456Z';
const AUTHDATE_MS = Date.UTC(2015, 3, 20, 12, 34, 56);
const fmt = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[:-]|\.\d+/g, '')
    .replace(/^(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');

/** A request a verifier may receive: mostly well signed, with one part or another changed. */
function signedRequest(nonces: readonly string[], mutate = 1) {
  const expiresText = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -100, max: 4000 }).map(String) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 10 }).map(String) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '-0',
        '0600',
        '00000000000000000600',
        '1e3',
        '0x10',
        '1.5',
        '%36%30%30',
        '+5',
        ' 5',
        '9'.repeat(20),
        '253402300799',
      ),
    },
  );
  const dateText = fc.oneof({ weight: 5, arbitrary: fc.constant(AUTHDATE) }, { weight: mutate, arbitrary: datetimeText });
  return fc
    .record({
      method: fc.constantFrom('GET', 'GET', 'POST', 'get'),
      path: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('/api/x', '/p?', '/p?a=1', '//a/b', 'http://h/p', '/p?a&b=') },
        { weight: 1, arbitrary: urlArb },
      ),
      order: fc.oneof(
        { weight: 8, arbitrary: fc.constant('normal') },
        { weight: mutate, arbitrary: fc.constantFrom('swapped', 'repeat', 'encoded', 'noeq', 'drop') },
      ),
      which: fc.constantFrom('authalgorithm', 'authkeyid', 'authdate', 'authexpires', 'authnonce'),
      algorithm: fc.oneof(
        { weight: 6, arbitrary: fc.constant('nog-v1') },
        { weight: 1, arbitrary: fc.constantFrom('NOG-V1', 'nog-v2', '', 'nog%2Dv1') },
      ),
      keyId: fc.oneof(
        { weight: 6, arbitrary: fc.constant(KEY_ID) },
        { weight: 1, arbitrary: fc.constantFrom('', 'other', KEY_ID.toUpperCase()) },
      ),
      date: dateText,
      expires: fc.option(expiresText, { nil: undefined, freq: 4 }),
      nonce: fc.option(fc.constantFrom(...nonces), { nil: undefined, freq: mutate === 0 ? 20 : 4 }),
      sig: fc.oneof(
        { weight: 8, arbitrary: fc.constant('good') },
        { weight: mutate, arbitrary: fc.constantFrom('upper', 'bad', 'short', 'fragment', 'after', 'first') },
      ),
      nowOffset: fc.oneof(
        fc.integer({ min: -2000, max: 5000 }),
        fc.integer({ min: -3, max: 12 }),
        fc.constantFrom(-901, -900, 0, 299, 300, 301, 600, 601, 3600, 3601),
      ),
    })
    .map((r) => {
      const params: [string, string | undefined][] = [
        ['authalgorithm', r.algorithm],
        ['authkeyid', r.keyId],
        ['authdate', r.date],
      ];
      if (r.expires !== undefined) params.push(['authexpires', r.expires]);
      if (r.nonce !== undefined) params.push(['authnonce', r.nonce]);
      const i = params.findIndex(([n]) => n === r.which);
      if (i >= 0) {
        if (r.order === 'swapped' && i > 0) [params[i - 1], params[i]] = [params[i]!, params[i - 1]!];
        if (r.order === 'repeat') params.push(params[i]!);
        if (r.order === 'encoded') params[i] = [params[i]![0].replace('h', '%68'), params[i]![1]];
        if (r.order === 'noeq') params[i] = [params[i]![0], undefined];
        if (r.order === 'drop') params.splice(i, 1);
      }
      const [beforeFragment, fragment] = splitOnce(r.path, '#');
      const joined = params.map(([n, v]) => (v === undefined ? n : `${n}=${v}`)).join('&');
      const unsigned = beforeFragment + (beforeFragment.includes('?') ? '&' : '?') + joined;
      const target = unsigned.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/, '') || '/';
      const mac = createHmac('sha256', SECRET)
        .update(`${r.method}\n${target.startsWith('/') ? target : `/${target}`}\n`)
        .digest('hex');
      let url = `${unsigned}&authsignature=${mac}`;
      if (r.sig === 'upper') url = `${unsigned}&authsignature=${mac.toUpperCase()}`;
      if (r.sig === 'bad') url = `${unsigned}&authsignature=${'0'.repeat(64)}`;
      if (r.sig === 'short') url = `${unsigned}&authsignature=${mac.slice(1)}`;
      if (r.sig === 'fragment') url += `#${fragment ?? ''}`;
      if (r.sig === 'after') url += '&x=1';
      if (r.sig === 'first') url = `${beforeFragment}?authsignature=${mac}&${joined}`;
      return { method: r.method, url, now: fmt(AUTHDATE_MS + r.nowOffset * 1000) };
    });
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** A seconds option: mostly usual values, sometimes an end of its range or a step past it (nog-v1.md's table). */
const secondsOption = (usual: number[], top: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...usual) },
    { weight: 1, arbitrary: fc.constantFrom(top, top + 1, -1, 1.5, top * 1000) },
  );
const verifyOptions = fc.record(
  {
    defaultExpires: secondsOption([0, 1, 300, 600], 86_400),
    maxExpiresWithNonce: secondsOption([0, 300, 600, 3600], 604_800),
    maxExpires: secondsOption([0, 300, 600, 100000], 31_622_400),
    maxClockSkew: secondsOption([0, 1, 300, 900], 3600),
    requireNonce: fc.boolean(),
    maxUrlLength: countArb(fc.constantFrom(16384, 200, 400)),
  },
  { requiredKeys: [] },
);
const keysArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ [KEY_ID]: SECRET }) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant({ '': SECRET, other: 'x' }) },
);

const nogVerifyArb = fc
  .record({
    req: signedRequest(['0123456789', '', 'n1', 'n%31', '~']),
    keys: keysArb,
    options: fc.option(verifyOptions, { nil: undefined }),
  })
  .map(({ req, keys, options }) => ({ ...req, keys, ...(options === undefined ? {} : { options }) }));

const nogReplayArb = fc
  .record({
    keys: fc.constant({ [KEY_ID]: SECRET }),
    options: fc.record(
      {
        nonceStoreMaxEntries: countArb(fc.integer({ min: 1, max: 3 })),
        maxClockSkew: secondsOption([0, 60, 900], 3600),
        defaultExpires: fc.constantFrom(1, 60, 300),
      },
      { requiredKeys: [] },
    ),
    requests: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: signedRequest(['n1', 'n2', 'n3', 'n4'], 0) },
        { weight: 1, arbitrary: signedRequest(['n1', 'n2'], 1) },
      ),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map((r) => ({ ...r, requests: noStepBackOverExpiry(r.requests, r.options.defaultExpires ?? 300) }) as Input);

/**
 * A clock in a sequence may step back, but not behind a claim that an earlier, later clock already saw expire:
 * whether a store still holds such a claim is left open (PROTOCOL.md, "Replay sequences"). Such a request's clock
 * is moved up to the latest clock so far.
 */
function noStepBackOverExpiry(requests: readonly { method: string; url: string; now: string }[], defaultExpires: number) {
  const ms = (text: string | undefined) => {
    const m = text === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    return m === null ? Number.NaN : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  };
  let latest = Number.NEGATIVE_INFINITY;
  const deadlines: number[] = [];
  return requests.map((r) => {
    let now = ms(r.now);
    if (now < latest && deadlines.some((d) => d < latest)) now = latest;
    latest = Math.max(latest, now);
    const q = new Map(
      r.url
        .slice(r.url.indexOf('?') + 1)
        .split('&')
        .map((p) => [p.split('=')[0]!, p.slice(p.indexOf('=') + 1)] as const),
    );
    const expires = q.get('authexpires');
    const seconds = expires === undefined ? defaultExpires : /^-?[0-9]{1,9}$/.test(expires) ? Number(expires) : Number.NaN;
    const deadline = ms(q.get('authdate')) + seconds * 1000;
    // Any request may claim a nonce: one whose deadline cannot be read counts as already expired.
    if (q.has('authnonce')) deadlines.push(Number.isNaN(deadline) ? Number.NEGATIVE_INFINITY : deadline);
    return { ...r, now: fmt(now) };
  });
}

// ---- nOps ------------------------------------------------------------------------------------------------------

/** Keys and signatures that the shipped nOps vectors hold, harvested so that the generators need no key material. */
export interface NopsMaterial {
  readonly privatePems: readonly string[];
  readonly publicPems: readonly string[];
  readonly privateJwks: readonly Input[];
  readonly publicJwks: readonly Input[];
  readonly signatures: readonly string[];
}

export function harvestNops(files: readonly VectorFile[]): NopsMaterial {
  const sets = {
    privatePems: new Set<string>(),
    publicPems: new Set<string>(),
    privateJwks: new Map<string, Input>(),
    publicJwks: new Map<string, Input>(),
    signatures: new Set<string>(),
  };
  for (const f of files) {
    if (f.scheme !== 'nops') continue;
    for (const c of f.cases) {
      const i = c.input as Input;
      if (typeof i['privateKeyPem'] === 'string') sets.privatePems.add(i['privateKeyPem']);
      if (typeof i['publicKeyPem'] === 'string') sets.publicPems.add(i['publicKeyPem']);
      if (typeof i['privateKeyJwk'] === 'object') sets.privateJwks.set(JSON.stringify(i['privateKeyJwk']), i['privateKeyJwk'] as Input);
      if (typeof i['publicKeyJwk'] === 'object') sets.publicJwks.set(JSON.stringify(i['publicKeyJwk']), i['publicKeyJwk'] as Input);
      if (typeof i['signature'] === 'string') sets.signatures.add(i['signature']);
    }
  }
  // Only the small keys: the reference port's RSA is plain Python, and every key size is already in the vectors.
  const small = (pem: string) => pem.length < 1800;
  return {
    privatePems: [...sets.privatePems].filter(small),
    publicPems: [...sets.publicPems].filter(small),
    privateJwks: [...sets.privateJwks.values()].filter((j) => String(j['n']).length < 200),
    publicJwks: [...sets.publicJwks.values()],
    signatures: [...sets.signatures],
  };
}

/** A PEM as given, or with text around it, other line ends, a field of a JWK left out. */
function pemVariant(pems: readonly string[]) {
  return fc
    .tuple(
      fc.constantFrom(...pems),
      fc.constantFrom('as-is', 'as-is', 'as-is', 'before', 'after', 'crlf', 'no-newline', 'truncated', 'spaces', 'wrapped'),
    )
    .map(([pem, how]) => {
      switch (how) {
        case 'before':
          return `Bag Attributes\n${pem}`;
        case 'after':
          return `${pem}trailing text\n`;
        case 'crlf':
          return pem.replace(/\n/g, '\r\n');
        case 'no-newline':
          return pem.trimEnd();
        case 'truncated':
          return pem.slice(0, Math.floor(pem.length / 2));
        case 'spaces':
          return `  ${pem}  `;
        case 'wrapped':
          return pem.replace(/\n(?!-)/g, '');
        default:
          return pem;
      }
    });
}
function jwkVariant(jwks: readonly Input[]) {
  return fc
    .tuple(fc.constantFrom(...jwks), fc.constantFrom(null, null, null, 'd', 'p', 'q', 'dp', 'dq', 'qi', 'e'))
    .map(([jwk, drop]) => (drop === null ? jwk : Object.fromEntries(Object.entries(jwk).filter(([k]) => k !== drop))));
}
const apiKeyArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('123.aaaa4432454ccccb5a2280e755fdzzzz', '1.x', 'a.b.c') },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '123', '.abc', '123.', 'a b.c', '1é.x', '1.x&y', '1.x=') },
  { weight: 1, arbitrary: tokenish },
);
const nopsDateArb = fc.oneof(
  { weight: 2, arbitrary: dayText },
  { weight: 2, arbitrary: fc.record({ epochMs: epochArb, timeZone: zoneArb }, { requiredKeys: ['epochMs'] }).map(portableZone) },
  { weight: 1, arbitrary: fc.record({ day: dayText, timeZone: zoneArb }, { requiredKeys: ['day'] }) },
);
const nopsUrlArb = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('/nops_api/v1/x/', '/p', 'https://h', 'http://h/p/?a=1', '/p/?', '/é/', '//a/b/'), tail)
      .map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: urlArb },
  // Around the target length limit (8192 UTF-16 code units): ERR_TARGET_TOO_LONG past it.
  { weight: 1, arbitrary: fc.integer({ min: 8170, max: 8200 }).map((n) => `/nops_api/${'a'.repeat(n)}/`) },
);
/** An nOps option string: mostly one of its set, sometimes another string (ERR_INVALID_ARGUMENT). */
const nopsOption = (set: [string, string]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...set) },
    { weight: 1, arbitrary: fc.constantFrom('', 'bogus', set[1].toUpperCase(), ` ${set[0]}`) },
  );

function nopsSignArb(m: NopsMaterial) {
  const key = fc.oneof(
    { weight: 4, arbitrary: pemVariant(m.privatePems).map((privateKeyPem) => ({ privateKeyPem })) },
    { weight: 1, arbitrary: pemVariant(m.publicPems).map((privateKeyPem) => ({ privateKeyPem })) },
    ...(m.privateJwks.length > 0 ? [{ weight: 1, arbitrary: jwkVariant(m.privateJwks).map((privateKeyJwk) => ({ privateKeyJwk })) }] : []),
  );
  return fc
    .record(
      {
        url: nopsUrlArb,
        apiKey: apiKeyArb,
        date: nopsDateArb,
        apiKeyIn: nopsOption(['query', 'header']),
        trailingSlash: nopsOption(['add', 'reject']),
        key,
      },
      { requiredKeys: ['url', 'apiKey', 'date', 'key'] },
    )
    .map(({ key, ...rest }) => ({ ...rest, ...key }) as Input);
}

function nopsVerifyArb(m: NopsMaterial) {
  const key = fc.oneof(
    { weight: 4, arbitrary: pemVariant(m.publicPems).map((publicKeyPem) => ({ publicKeyPem })) },
    { weight: 1, arbitrary: pemVariant(m.privatePems).map((publicKeyPem) => ({ publicKeyPem })) },
    ...(m.publicJwks.length > 0 ? [{ weight: 1, arbitrary: jwkVariant(m.publicJwks).map((publicKeyJwk) => ({ publicKeyJwk })) }] : []),
  );
  const signature = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...m.signatures) },
    { weight: 1, arbitrary: base64Arb },
    { weight: 1, arbitrary: fc.constantFrom(...m.signatures).map((s) => `${s}\n`) },
  );
  const message = fc.oneof(
    fc.constantFrom('123.2022-01-10./nops_api/v1/billingGetTotal/?api_key=123.aaaa4432454ccccb5a2280e755fdzzzz', ''),
    fc.string({ unit: 'binary', maxLength: 8 }),
  );
  const parts = fc.record(
    {
      url: nopsUrlArb.chain((u) => fc.constantFrom(u, `${u}${u.includes('?') ? '&' : '?'}api_key=123.aaaa4432454ccccb5a2280e755fdzzzz`)),
      apiKey: apiKeyArb,
      date: nopsDateArb,
      apiKeyIn: nopsOption(['query', 'header']),
    },
    { requiredKeys: ['url', 'apiKey', 'date'] },
  );
  return fc
    .tuple(
      fc.oneof(
        message.map((message) => ({ message }) as Input),
        parts as fc.Arbitrary<Input>,
      ),
      signature,
      key,
    )
    .map(([what, sig, k]) => ({ ...what, signature: sig, ...k }) as Input);
}

/** Values that break a member's schema (its type, its range, its set), `null` among them (absent, or required). */
const BREAKING_VALUES: readonly unknown[] = [null, '', 'x', 'bogus', 0, -1, 1.5, 1e20, 2 ** 53, true, [], {}, { epochMs: '0' }];
/** Members of one operation or another: added where they are unknown, or where they do not apply. */
const OTHER_MEMBERS = ['extra', 'timeZone', 'text', 'epochMs', 'hex', 'message', 'url', 'privateKeyJwk', 'publicKeyJwk', 'options', 'now'];
type Break =
  | { readonly op: 'drop' | 'set'; readonly at: number; readonly value: unknown }
  | { readonly op: 'add'; readonly name: string; readonly value: unknown }
  | { readonly op: 'nested'; readonly name: string; readonly value: unknown };
const breakArb: fc.Arbitrary<Break> = fc.oneof(
  fc.record({ op: fc.constantFrom('drop' as const, 'set' as const), at: fc.nat(), value: fc.constantFrom(...BREAKING_VALUES) }),
  fc.record({
    op: fc.constant('add' as const),
    name: fc.constantFrom(...OTHER_MEMBERS),
    value: fc.constantFrom(...BREAKING_VALUES, 'UTC', 0),
  }),
  fc.record({
    op: fc.constant('nested' as const),
    name: fc.constantFrom('bogus', 'timeZone', 'epochMs', 'day'),
    value: fc.constantFrom(...BREAKING_VALUES),
  }),
);
function breakInput(input: Input, b: Break): Input {
  const out: Input = { ...input };
  const names = Object.keys(out);
  if ((b.op === 'drop' || b.op === 'set') && names.length > 0) {
    const name = names[b.at % names.length]!;
    if (b.op === 'drop') delete out[name];
    else out[name] = b.value;
  } else if (b.op === 'add') {
    out[b.name] = b.value;
  } else if (b.op === 'nested') {
    // Inside the object member that options and dates are: a member it does not know, or of another form.
    const name = names.find((n) => typeof out[n] === 'object' && out[n] !== null && !Array.isArray(out[n]) && !/Jwk$|^keys$/.test(n));
    if (name !== undefined) out[name] = { ...(out[name] as Input), [b.name]: b.value };
    else out['extra'] = b.value;
  }
  return out;
}
/** The valid generator most of the time, one of its inputs broken (PROTOCOL.md, "Inputs that break the schema") about one time in seven. */
function withBreaks(arb: fc.Arbitrary<Input>): fc.Arbitrary<Input> {
  return fc.oneof(
    { weight: 6, arbitrary: arb },
    { weight: 1, arbitrary: fc.tuple(arb, breakArb).map(([input, b]) => breakInput(input, b)) },
  );
}

/** The generator of each operation, keyed `scheme/operation`. */
export function generators(files: readonly VectorFile[]): Record<string, fc.Arbitrary<Input>> {
  const m = harvestNops(files);
  const gens: Record<string, fc.Arbitrary<Input>> = {
    'canonical/target': targetArb as fc.Arbitrary<Input>,
    'canonical/query': queryArb as fc.Arbitrary<Input>,
    'canonical/date': dateArb as fc.Arbitrary<Input>,
    'canonical/encoding': encodingArb as fc.Arbitrary<Input>,
    'nog-v1/sign': nogSignArb as fc.Arbitrary<Input>,
    'nog-v1/verify': nogVerifyArb as fc.Arbitrary<Input>,
    'nog-v1/verify-sequence': nogReplayArb,
  };
  if (m.privatePems.length > 0 && m.publicPems.length > 0 && m.signatures.length > 0) {
    gens['nops/sign'] = nopsSignArb(m);
    gens['nops/verify'] = nopsVerifyArb(m);
  }
  return Object.fromEntries(Object.entries(gens).map(([op, arb]) => [op, withBreaks(arb)]));
}

/** The vector file (and schema) name of each operation. */
export const FILE_OF: Readonly<Record<string, string>> = {
  'canonical/target': 'canonical-target',
  'canonical/query': 'canonical-query',
  'canonical/date': 'canonical-date',
  'canonical/encoding': 'canonical-encoding',
  'nog-v1/sign': 'nog-sign',
  'nog-v1/verify': 'nog-verify',
  'nog-v1/verify-sequence': 'nog-replay',
  'nops/sign': 'nops-sign',
  'nops/verify': 'nops-verify',
};
