/**
 * Broken clients, written from docs/spec/nops.md alone (node:crypto's sign, never the package's `sign`), each making
 * one realistic mistake (or two) whose true cause is the label. The diagnosis must name that cause, or, where the
 * cause cannot be told from the request, name none (findings empty, `unexplained`).
 */
import { constants, sign as rsaSign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIAGNOSES, diagnose } from '../src/diagnose/node.js';
import { verify } from '../src/node.js';
import { pem } from './helpers.js';

const PRIVATE = pem('rsa2048');
const PUBLIC = pem('rsa2048.pub');
const OTHER_PRIVATE = pem('other2048');
const OTHER_PUBLIC = pem('other2048.pub');
const API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
/** The verifier's instant: 2024-05-03T15:00:00Z (day 2024-05-03 at UTC). */
const AT = new Date('2024-05-03T15:00:00Z');
const DAY = '2024-05-03';
const PATH = '/nops_api/v1/billingGetTotal/';

interface Client {
  clientId?: string;
  day?: string;
  /** The signed target (default PATH with ?api_key=). */
  target?: string;
  key?: string;
  hash?: string;
  pss?: boolean;
  framing?: (m: string) => string;
  encode?: (b: Buffer) => string;
}

const q = (path: string): string => `${path}${path.includes('?') ? '&' : '?'}api_key=${API_KEY}`;

/** A client's signer, from the spec: `<client id>.<day>.<target>`, RSA PKCS#1 v1.5 SHA-256, base64. */
function signature(c: Client = {}): string {
  const message = `${c.clientId ?? '123'}.${c.day ?? DAY}.${c.target ?? q(PATH)}`;
  const data = Buffer.from((c.framing ?? ((m) => m))(message), 'utf8');
  const key = c.key ?? PRIVATE;
  const sig = c.pss
    ? rsaSign(c.hash ?? 'sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
    : rsaSign(c.hash ?? 'sha256', data, key);
  return (c.encode ?? ((b) => b.toString('base64')))(sig);
}

interface Case {
  readonly mistake: string;
  /** The URL as the verifier receives it (default PATH with ?api_key=). */
  readonly url?: string;
  readonly signature: string;
  readonly at?: Date | string;
  readonly apiKeyIn?: 'query' | 'header';
  readonly causes: readonly string[];
  readonly options?: Record<string, unknown>;
  /** What the findings' messages must say: where the request does not tell two causes apart, that they cannot be. */
  readonly says?: RegExp;
}

const hex = (b: Buffer): string => b.toString('hex');

const CASES: Case[] = [
  {
    mistake: 'the client signed with another key (given as otherKeys)',
    signature: signature({ key: OTHER_PRIVATE }),
    causes: ['DIAG_OTHER_KEY'],
    options: { otherKeys: { partner: OTHER_PUBLIC } },
  },
  { mistake: 'the client signed with another key (not given)', signature: signature({ key: OTHER_PRIVATE }), causes: [] },
  { mistake: 'the client signed with RSA-PSS', signature: signature({ pss: true }), causes: ['DIAG_PADDING'] },
  { mistake: 'the client signed with SHA-1', signature: signature({ hash: 'sha1' }), causes: ['DIAG_HASH_ALGORITHM'] },
  { mistake: 'the client signed with SHA-512', signature: signature({ hash: 'sha512' }), causes: ['DIAG_HASH_ALGORITHM'] },
  { mistake: 'the client wrote the signature in hex', signature: signature({ encode: hex }), causes: ['DIAG_SIGNATURE_ENCODING'] },
  {
    mistake: 'the client wrote the signature in base64url',
    signature: signature({ encode: (b) => b.toString('base64url') }),
    causes: ['DIAG_SIGNATURE_ENCODING'],
  },
  { mistake: 'the client sent base64 with a trailing newline', signature: `${signature()}\n`, causes: ['DIAG_SIGNATURE_ENCODING'] },
  { mistake: 'the client wrote the day as YYYYMMDD', signature: signature({ day: '20240503' }), causes: ['DIAG_DAY_FORMAT'] },
  { mistake: 'the client wrote the day as MM/DD/YYYY', signature: signature({ day: '05/03/2024' }), causes: ['DIAG_DAY_FORMAT'] },
  {
    mistake: 'the client signed with echo (a trailing newline)',
    signature: signature({ framing: (m) => `${m}\n` }),
    causes: ['DIAG_MESSAGE_FRAMING'],
  },
  {
    mistake: 'the client signed the whole API key as the client id',
    signature: signature({ clientId: API_KEY }),
    causes: ['DIAG_CLIENT_ID'],
  },
  {
    mistake: 'the client signed the key part after the dot as the client id',
    signature: signature({ clientId: 'aaaa4432454ccccb5a2280e755fdzzzz' }),
    causes: ['DIAG_CLIENT_ID'],
  },
  {
    mistake: 'the client in UTC+10:00 signed its local day (tomorrow at UTC)',
    signature: signature({ day: '2024-05-04' }),
    causes: ['DIAG_TIME_ZONE'],
    says: /in another time zone than the verifier, or signed with a clock ahead past midnight: the two cannot be told apart/,
  },
  {
    mistake: 'the client in UTC-05:00 signed its local day (yesterday at UTC), the day given as YYYY-MM-DD',
    at: '2024-05-03',
    signature: signature({ day: '2024-05-02' }),
    causes: ['DIAG_TIME_ZONE'],
    says: /in another time zone than the verifier, or signed before midnight and checked after it \(a request in flight at midnight, a retry, a reused signature\): the two cannot be told apart/,
  },
  {
    mistake: "the client reused yesterday's signature at 15:00 UTC (no zone's day is yesterday then)",
    signature: signature({ day: '2024-05-02' }),
    causes: ['DIAG_STALE_DAY'],
    says: /the client signed 2024-05-02, 1 day before 2024-05-03/,
  },
  { mistake: 'the client reused a signature from 3 days ago', signature: signature({ day: '2024-04-30' }), causes: ['DIAG_STALE_DAY'] },
  {
    mistake: 'the client signed in header form, sent in query form',
    signature: signature({ target: PATH }),
    causes: ['DIAG_API_KEY_PLACEMENT'],
  },
  {
    mistake: 'the client signed in query form, sent in header form',
    url: PATH,
    apiKeyIn: 'header',
    signature: signature(),
    causes: ['DIAG_API_KEY_PLACEMENT'],
  },
  { mistake: 'a proxy removed the trailing slash', url: q(PATH.slice(0, -1)), signature: signature(), causes: ['DIAG_TRAILING_SLASH'] },
  {
    mistake: 'the client signed the absolute URL',
    signature: signature({ target: `https://app.nops.io${q(PATH)}` }),
    url: `https://app.nops.io${q(PATH)}`,
    causes: ['DIAG_HOST_SIGNED'],
  },
  {
    mistake: 'a proxy uppercased an escape',
    url: q('/nops_api/v1/a%2Fb/'),
    signature: signature({ target: q('/nops_api/v1/a%2fb/') }),
    causes: ['DIAG_PERCENT_ENCODING'],
  },
  {
    mistake: 'the client signed /x// and a proxy stripped one trailing slash',
    url: q('/nops_api/v1/x/'),
    signature: signature({ target: q('/nops_api/v1/x//') }),
    causes: ['DIAG_DOUBLE_SLASH'],
    says: /or one of two trailing slashes was removed: the two cannot be told apart/,
  },
  {
    mistake: 'a proxy sorted the query',
    url: q('/nops_api/v1/x/?a=1&b=2'),
    signature: signature({ target: q('/nops_api/v1/x/?b=2&a=1') }),
    causes: ['DIAG_QUERY_REORDERED'],
  },
  {
    mistake: 'the client signed the path before joining it to its base URL (/v1)',
    url: q(`/v1${PATH}`),
    signature: signature(),
    causes: ['DIAG_MOUNT_PREFIX'],
    says: /the client signed the path without the prefix \/v1 \(before joining it to a base URL\), or a proxy added it in transit: the two cannot be told apart/,
  },
  {
    mistake: 'a gateway stripped its prefix',
    url: q(PATH),
    signature: signature({ target: q(`/gateway${PATH}`) }),
    causes: ['DIAG_MOUNT_PREFIX'],
    options: { prefixes: ['/gateway'] },
  },
  {
    mistake: 'a proxy turned + into %20',
    url: q('/nops_api/v1/x/?q=a%20b'),
    signature: signature({ target: q('/nops_api/v1/x/?q=a+b') }),
    causes: ['DIAG_PLUS_SPACE'],
  },
  // not to be named
  { mistake: "the client signed another client's id", signature: signature({ clientId: '124' }), causes: [] },
  { mistake: 'the client signed another path', signature: signature({ target: q('/nops_api/v1/other/') }), causes: [] },
  { mistake: 'the signature was truncated', signature: signature().slice(0, -4), causes: [] },
  {
    mistake: 'one byte of the signature changed',
    signature: (() => {
      const b = Buffer.from(signature(), 'base64');
      b[100]! ^= 1;
      return b.toString('base64');
    })(),
    causes: [],
  },
  { mistake: 'the client signed with SHA-256 and a day 30 days stale', signature: signature({ day: '2024-04-03' }), causes: [] },
  // two mistakes
  {
    mistake: 'PSS and a trailing newline',
    signature: signature({ pss: true, framing: (m) => `${m}\n` }),
    causes: ['DIAG_PADDING', 'DIAG_MESSAGE_FRAMING'],
  },
  {
    mistake: 'hex and YYYYMMDD',
    signature: signature({ encode: hex, day: '20240503' }),
    causes: ['DIAG_SIGNATURE_ENCODING', 'DIAG_DAY_FORMAT'],
  },
  {
    mistake: 'the whole key and a stale day',
    signature: signature({ clientId: API_KEY, day: '2024-04-30' }),
    causes: ['DIAG_CLIENT_ID', 'DIAG_STALE_DAY'],
  },
  {
    mistake: 'SHA-1 and a trailing newline',
    signature: signature({ hash: 'sha1', framing: (m) => `${m}\n` }),
    causes: ['DIAG_HASH_ALGORITHM', 'DIAG_MESSAGE_FRAMING'],
  },
  {
    mistake: 'another key and hex',
    signature: signature({ key: OTHER_PRIVATE, encode: hex }),
    causes: ['DIAG_OTHER_KEY', 'DIAG_SIGNATURE_ENCODING'],
    options: { otherKeys: { partner: OTHER_PUBLIC } },
  },
  // the clock
  {
    mistake: 'signed at 23:59:59 UTC, verified at 00:00:02 UTC the next day (a request in flight at midnight)',
    at: new Date('2024-05-04T00:00:02Z'),
    signature: signature({ day: '2024-05-03' }),
    causes: ['DIAG_TIME_ZONE'],
    says: /in another time zone than the verifier, or signed before midnight and checked after it \(a request in flight at midnight, a retry, a reused signature\): the two cannot be told apart/,
  },
];

describe('nOps diagnose against broken clients written from the spec', () => {
  it.each(CASES)('$mistake', async (c) => {
    const input = { url: c.url ?? q(PATH), apiKey: API_KEY, date: c.at ?? AT, ...(c.apiKeyIn ? { apiKeyIn: c.apiKeyIn } : {}) };
    const verdict = await verify(input, c.signature, PUBLIC);
    const d = await diagnose(input, c.signature, PUBLIC, c.options as never);
    const codes = d.findings.map((f) => f.code);
    expect(verdict.ok).toBe(false);
    expect([...new Set(codes)].sort()).toEqual([...c.causes].sort());
    if (codes.length === 0) expect(d.unexplained).not.toBeNull();
    if (c.says) expect(d.findings.map((f) => f.message).join('\n')).toMatch(c.says);
  });

  it('titles DIAG_TIME_ZONE with both of its causes, not a zone alone', () => {
    expect(DIAGNOSES.DIAG_TIME_ZONE).toMatch(/time zone, or midnight/);
  });
});

/**
 * One edit of one character at any position of a validly signed target or of its signature, over all of UTF-16. A
 * target change may be named only when the edit is one (an escape's hex digit in another case; a `/`, `&`, `?` removed
 * or added; a `.` added), the signature's encoding only when its bytes are the signature's. It never throws.
 */
describe('nOps diagnose with one character changed anywhere', () => {
  const KEY_1024 = pem('rsa1024');
  const PUBLIC_1024 = pem('rsa1024.pub');
  const ALLOWED: Record<string, readonly string[]> = {
    '-/': ['DIAG_TRAILING_SLASH', 'DIAG_DOUBLE_SLASH'],
    '+/': ['DIAG_TRAILING_SLASH', 'DIAG_DOUBLE_SLASH', 'DIAG_MOUNT_PREFIX'],
    '-&': ['DIAG_EMPTY_QUERY'],
    '+&': ['DIAG_EMPTY_QUERY'],
    '-?': ['DIAG_EMPTY_QUERY'],
    '+?': ['DIAG_EMPTY_QUERY'],
    '+.': ['DIAG_DOT_SEGMENTS'],
  };
  const URLISH = ['/', '/', '&', '?', '.', '%', '%2f', '%2F', '%7E', '~', '+', '%20', 'é', 'a', '=', '//'];
  const text = (maxLength: number): fc.Arbitrary<string> =>
    fc.oneof(
      fc.string({ unit: 'binary', maxLength }),
      fc.array(fc.constantFrom(...URLISH), { maxLength: Math.ceil(maxLength / 2) }).map((a) => a.join('')),
    );

  it('names no cause the edit is not, and never throws', async () => {
    const named: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        text(20).map((s) => `/v1/${s.replace(/[?#]/g, '')}/`),
        fc.option(
          text(12)
            .map((s) => s.replace(/#/g, ''))
            .filter((s) => !s.includes('api_key')),
        ),
        fc.nat(),
        fc.constantFrom('sub', 'del', 'ins', 'case', 'signature'),
        fc.oneof(fc.constantFrom('/', '&', '?', '.', 'a', 'A', '='), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
        async (path, query, at, op, ch) => {
          const target = query === null || query === '' ? path : `${path}?${query}`;
          const good = signature({ key: KEY_1024, target: q(target) });
          let url = q(target);
          let sig = good;
          let key: string;
          let i = 0;
          // A trailing slash is one at the path's end, before or after the edit.
          let trailing = true;
          if (op === 'signature') {
            i = at % good.length;
            if (good[i] === ch) return;
            sig = good.slice(0, i) + ch + good.slice(i + 1);
            key = 'signature';
          } else {
            const hexInEscape: number[] = [];
            for (const m of target.matchAll(/%[0-9A-Fa-f]{2}/g)) hexInEscape.push(m.index + 1, m.index + 2);
            const same = [...target].flatMap((c, j) => (c === ch ? [j] : []));
            const anywhere = at % (op === 'ins' ? target.length + 1 : target.length);
            i =
              op === 'case'
                ? (hexInEscape[at % Math.max(hexInEscape.length, 1)] ?? 0)
                : at % 2 === 0 && same.length > 0
                  ? same[(at >> 1) % same.length]!
                  : anywhere;
            if (i === 0) return;
            let changed = target;
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
            url = q(changed);
            const pathEnd = (t: string, j: number): boolean => j === (t.includes('?') ? t.indexOf('?') : t.length) - 1;
            trailing = key === '-/' ? pathEnd(target, i) : key === '+/' ? pathEnd(changed, i) : true;
          }
          const d = await diagnose({ url, apiKey: API_KEY, date: DAY }, sig, PUBLIC_1024);
          const sameBytes = /^[A-Za-z0-9+/=\s_-]*$/.test(sig) && Buffer.from(sig, 'base64').equals(Buffer.from(good, 'base64'));
          const allowed =
            key === 'signature'
              ? sameBytes
                ? ['DIAG_SIGNATURE_ENCODING']
                : []
              : key === 'case'
                ? ['DIAG_PERCENT_ENCODING']
                : (ALLOWED[key] ?? []).filter((c) => c !== 'DIAG_TRAILING_SLASH' || trailing);
          for (const f of d.findings) {
            named[f.code] = (named[f.code] ?? 0) + 1;
            if (!allowed.includes(f.code)) throw new Error(`${key} at ${i} of ${JSON.stringify(target)}: named ${f.code}: ${f.message}`);
          }
        },
      ),
      { numRuns: 100, seed: 31 },
    );
    expect(Object.keys(named)).toEqual(expect.arrayContaining(['DIAG_PERCENT_ENCODING']));
  }, 60_000);
});
