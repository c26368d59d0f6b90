import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builds, DATE_MS, KEY, node } from './helpers.js';

const SAFE = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'];
const TOKEN = [...SAFE, ..."!#$%&'*+^`|"];
// What may stand in a path or query as sent: printable ASCII but space, # (and ? in the path), plus non-ASCII.
const PATH_CHARS = [...SAFE, ..."!$&'()*+,;=:@%/", 'ä', '€', '𝄞', '中'];
const QUERY_CHARS = [...PATH_CHARS, '?', '&', '=', '&', '='];

const method = fc.string({ unit: fc.constantFrom(...TOKEN), minLength: 1, maxLength: 10 });
const keyId = fc.string({ unit: fc.constantFrom(...SAFE), minLength: 1, maxLength: 24 });
const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 });
// Paths may start with // (an empty first segment): signed from an absolute URL, since //host/p given to sign is a
// scheme-relative URL, and verified as received.
const path = fc.string({ unit: fc.constantFrom(...PATH_CHARS), maxLength: 40 }).map((p) => `/${p}`);
const query = fc.option(fc.string({ unit: fc.constantFrom(...QUERY_CHARS), maxLength: 40 }), { nil: null });
const origin = fc.constantFrom('', 'https://example.com', 'http://u:p@[::1]:8080', 'HTTP://Example.COM:80');
const fragment = fc.option(fc.string({ unit: fc.constantFrom(...QUERY_CHARS, '#'), maxLength: 10 }), { nil: null });
const date = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) });
const nonce = fc.oneof(
  fc.constant(undefined),
  fc.constant(false as const),
  fc.string({ unit: fc.constantFrom(...SAFE), minLength: 1, maxLength: 32 }),
);

const request = fc.record({
  method,
  keyId,
  secret,
  path,
  query,
  origin,
  fragment,
  date,
  nonce,
  expires: fc.integer({ min: 0, max: 3600 }),
});
type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;
const targetOf = (r: Req): string => `${r.path}${r.query === null ? '' : `?${r.query}`}`;
/** The origin to sign with: a path that starts with // needs one. */
const originOf = (r: Req): string => (r.origin === '' && r.path.startsWith('//') ? 'https://example.com' : r.origin);
const urlOf = (r: Req): string => `${originOf(r)}${targetOf(r)}${r.fragment === null ? '' : `#${r.fragment}`}`;

for (const [name, build] of builds) {
  const runs = name === 'WebCrypto' ? 300 : 1500;
  describe(`properties (${name})`, () => {
    it('sign then verify succeeds, and the application sees its own target and query', async () => {
      await fc.assert(
        fc.asyncProperty(request, fc.integer({ min: -900, max: 3600 }), async (r, offset) => {
          const signed = await build.sign(
            r.method,
            urlOf(r),
            { id: r.keyId, secret: r.secret },
            { date: r.date, expires: r.expires, nonce: r.nonce },
          );
          const authdate = Math.floor(r.date / 1000) * 1000;
          const now = authdate + Math.min(offset, r.expires) * 1000;
          const expected = {
            ok: true,
            keyId: r.keyId,
            authdate: new Date(authdate),
            expiresAt: new Date(authdate + r.expires * 1000),
            nonce: r.nonce === false ? null : (r.nonce ?? signed.nonce),
            target: targetOf(r),
            query: r.query,
          };
          const verifier = () => build.createVerifier({ keys: new Map([[r.keyId, r.secret]]), now: () => now });
          // What a client sends: the URL without its fragment, absolute (to a proxy) or as the target alone.
          const sent = signed.url.split('#')[0]!;
          expect(await verifier().verify(r.method, sent)).toEqual(expected);
          const received = sent.slice(originOf(r).length);
          expect(await verifier().verify(r.method, received)).toEqual(expected);
          // A fragment that reached the server anyway is an unsigned tail after the signature.
          if (r.fragment !== null) {
            expect(await verifier().verify(r.method, signed.url)).toMatchObject({ ok: false, code: 'ERR_AUTH_SIG_INVALID' });
          }
          expect(signed.url.startsWith(originOf(r))).toBe(true);
          expect(signed.url.endsWith(r.fragment === null ? signed.signature : `${signed.signature}#${r.fragment}`)).toBe(true);
        }),
        { numRuns: runs },
      );
    });

    it('any single-character change to a received target fails, and does not burn the nonce', async () => {
      const edit = fc.record({
        kind: fc.constantFrom('replace', 'delete', 'insert'),
        at: fc.nat(),
        char: fc.constantFrom(...QUERY_CHARS, '#', ' ', '\u0000', 'A', '0', 'f'),
      });
      await fc.assert(
        fc.asyncProperty(request, edit, async (r, e) => {
          const signed = await build.sign(
            r.method,
            `https://example.com${targetOf(r)}`,
            { id: r.keyId, secret: r.secret },
            { date: r.date, expires: r.expires, nonce: r.nonce },
          );
          const u = signed.url.slice('https://example.com'.length);
          const i = e.at % (u.length + (e.kind === 'insert' ? 1 : 0));
          let changed: string;
          if (e.kind === 'replace') changed = u.slice(0, i) + e.char + u.slice(i + 1);
          else if (e.kind === 'delete') changed = u.slice(0, i) + u.slice(i + 1);
          else changed = u.slice(0, i) + e.char + u.slice(i);
          // Even an empty fragment appended is a change: nothing may follow the signature.
          fc.pre(changed !== u);
          const now = Math.floor(r.date / 1000) * 1000;
          const verifier = build.createVerifier({ keys: { [r.keyId]: r.secret }, now: () => now });
          const bad = await verifier.verify(r.method, changed);
          expect(bad.ok).toBe(false);
          expect((await verifier.verify(r.method, u)).ok).toBe(true);
        }),
        { numRuns: runs },
      );
    });
  });
}

describe('verify never throws on arbitrary strings', () => {
  const signedUrl = node.signSync('GET', '/api/blobs/abc?x=1', KEY, { date: DATE_MS, nonce: false }).url;
  const pieces = fc.constantFrom(
    '?',
    '&',
    '=',
    '#',
    '%',
    '%6B',
    'auth',
    'authkeyid=',
    'authdate=2015-04-20T123456Z',
    'authexpires=',
    'authnonce=',
    'authalgorithm=',
    `authkeyid=${KEY.id}`,
    '&authsignature=',
    'f'.repeat(64),
    '/',
    'http://',
    '-1',
    '9'.repeat(20),
  );
  const junk = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(fc.oneof(pieces, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 30 }).map((a) => a.join('')),
    fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 3 })).map(([i, s]) => {
      const at = i % signedUrl.length;
      return signedUrl.slice(0, at) + s + signedUrl.slice(at + 1);
    }),
  );
  const codes = [
    'ERR_AUTH_FIELD_MISSING',
    'ERR_AUTH_DATE_INVALID',
    'ERR_AUTH_SIG_EXPIRED',
    'ERR_AUTH_KEY_UNKNOWN',
    'ERR_AUTH_SIG_INVALID',
    'ERR_AUTH_EXPIRES_INVALID',
    'ERR_AUTH_NONCE_INVALID',
    'ERR_AUTH_DATE_FUTURE',
    'ERR_AUTH_ALGORITHM_UNSUPPORTED',
    'ERR_AUTH_MALFORMED',
    'ERR_AUTH_NONCE_STORE',
  ];

  for (const [name, build] of builds) {
    it(`resolves to a result for 10,000 arbitrary method and URL strings (${name})`, async () => {
      const verifier = build.createVerifier({ keys: { [KEY.id]: KEY.secret, '': 'empty-id' }, now: () => DATE_MS + 1000 });
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.constant('GET'), fc.string({ unit: 'binary', maxLength: 10 })), junk, async (m, u) => {
          const r = await verifier.verify(m, u);
          if (r.ok) {
            expect(typeof r.keyId).toBe('string');
          } else {
            expect(codes).toContain(r.code);
            expect(r.status).toBe(r.code === 'ERR_AUTH_NONCE_STORE' ? 503 : 401);
            expect(typeof r.message).toBe('string');
          }
        }),
        { numRuns: 10_000 },
      );
    });
  }
});
