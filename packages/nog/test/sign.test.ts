import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { builds, DATE_MS, KEY, node, type web } from './helpers.js';
import { readAuthParams } from '../src/internal/params.js';

const code = (c: string) => expect.objectContaining({ code: c });

for (const [name, build] of builds) {
  describe(`sign (${name})`, () => {
    it('defaults: now, expires 600, a fresh 20-hex nonce from a CSPRNG', async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const r = await build.sign('GET', '/p', KEY);
      const after = Date.now();
      const authdate = Date.parse(r.authdate.replace(/^(.{13})(..)(..)Z$/, '$1:$2:$3Z'));
      expect(authdate).toBeGreaterThanOrEqual(before);
      expect(authdate).toBeLessThanOrEqual(after);
      expect(r.expires).toBe(600);
      expect(r.nonce).toMatch(/^[0-9a-f]{20}$/);
      expect(r.target).toBe(`/p?authalgorithm=nog-v1&authkeyid=${KEY.id}&authdate=${r.authdate}&authexpires=600&authnonce=${r.nonce}`);
      expect(r.url).toBe(`${r.target}&authsignature=${r.signature}`);
      expect(r.stringToSign).toBe(`GET\n${r.target}\n`);
    });

    it('draws a different nonce every time (20,000 nonces, no repeat, every hex digit in every position)', async () => {
      const seen = new Set<string>();
      const digits = Array.from({ length: 20 }, () => new Set<string>());
      for (let i = 0; i < 20_000; i++) {
        const n = (await build.sign('GET', '/p', KEY, { date: DATE_MS })).nonce!;
        seen.add(n);
        for (let j = 0; j < 20; j++) digits[j]!.add(n[j]!);
      }
      expect(seen.size).toBe(20_000);
      for (const d of digits) expect(d.size).toBe(16);
    });

    it('keeps the form of the URL: absolute in, absolute out, fragment last and unsigned', async () => {
      const r = await build.sign('GET', 'https://example.com:8443/a?b=1#frag', KEY, { date: DATE_MS, nonce: false });
      expect(r.target.startsWith('/a?b=1&authalgorithm=nog-v1&')).toBe(true);
      expect(r.url).toBe(`https://example.com:8443${r.target}&authsignature=${r.signature}#frag`);
      expect(r.nonce).toBeNull();
      expect(r.target).not.toContain('authnonce');
    });

    it('accepts a Date or milliseconds, dropping milliseconds', async () => {
      const a = await build.sign('GET', '/p', KEY, { date: new Date(DATE_MS + 999), nonce: 'n' });
      const b = await build.sign('GET', '/p', KEY, { date: DATE_MS, nonce: 'n' });
      expect(a.authdate).toBe('2015-04-20T123456Z');
      expect(a.signature).toBe(b.signature);
    });

    it('takes the authdate as YYYY-MM-DDTHHMMSSZ too, read strictly', async () => {
      const a = await build.sign('GET', '/p', KEY, { date: '2015-04-20T123456Z', nonce: 'n' });
      const b = await build.sign('GET', '/p', KEY, { date: DATE_MS, nonce: 'n' });
      expect(a.authdate).toBe('2015-04-20T123456Z');
      expect(a.signature).toBe(b.signature);
      await expect(build.sign('GET', '/p', KEY, { date: 'now' })).rejects.toThrow(code('ERR_DATE_FORMAT'));
      await expect(build.sign('GET', '/p', KEY, { date: '2015-02-30T000000Z' })).rejects.toThrow(code('ERR_DATE_RANGE'));
    });

    it('checks in the order of nog-v1.md: the date, method, URL, auth parameters, key id, secret, expires, nonce, deadline, length', async () => {
      // Each stage with one way to fail it; an input fails some of them, and the first failing one in the spec's
      // order (docs/spec/nog-v1.md, Signing: "in that order after the date") is the code, whatever the others.
      const STAGES = ['date', 'method', 'url', 'auth', 'keyId', 'secret', 'expires', 'nonce', 'deadline', 'length'] as const;
      const CODES: Record<(typeof STAGES)[number], readonly string[]> = {
        date: ['ERR_DATE_RANGE', 'ERR_DATE_FORMAT'],
        method: ['ERR_SIGN_METHOD'],
        url: ['ERR_TARGET_SCHEME'],
        auth: ['ERR_SIGN_AUTH_PARAMETER'],
        keyId: ['ERR_SIGN_KEY'],
        secret: ['ERR_SIGN_KEY'],
        expires: ['ERR_SIGN_EXPIRES'],
        nonce: ['ERR_SIGN_NONCE'],
        deadline: ['ERR_SIGN_EXPIRES'],
        length: ['ERR_TARGET_TOO_LONG'],
      };
      const badDate = fc.constantFrom<Date | number | string>(1e17, -1e17, Number.NaN, '2015-02-30T000000Z', '2015-04-20T12:34:56Z');
      await fc.assert(
        fc.asyncProperty(fc.subarray([...STAGES], { minLength: 1 }), badDate, async (faults, wrongDate) => {
          const bad = new Set(faults);
          const url = bad.has('url') ? 'ftp://h/p?authkeyid=x' : bad.has('auth') ? '/p?authkeyid=x' : '/p';
          const options = {
            date: bad.has('date') ? wrongDate : bad.has('deadline') ? '9999-12-31T235959Z' : DATE_MS,
            expires: bad.has('expires') ? -1 : 1,
            nonce: bad.has('nonce') ? 'a&b' : 'n',
            maxUrlLength: bad.has('length') ? 100 : 16384,
          };
          const key = { id: bad.has('keyId') ? 'a&b' : KEY.id, secret: bad.has('secret') ? '' : KEY.secret };
          const method = bad.has('method') ? 'G T' : 'GET';
          const first = STAGES.find((s) => bad.has(s))!;
          const got = await build.sign(method, url, key, options).then(
            () => 'signed',
            (e: { code?: string }) => e.code,
          );
          expect(CODES[first], `${[...bad].join(',')}: ${got}`).toContain(got);
          if (name === 'node') {
            let sync: string | undefined;
            try {
              node.signSync(method, url, key, options);
            } catch (e) {
              sync = (e as { code?: string }).code;
            }
            expect(sync).toBe(got);
          }
        }),
        { numRuns: 1000 },
      );
      // The campaign's case.
      expect(() => node.signSync('G T', '/p', KEY, { date: 1e17 })).toThrow(code('ERR_DATE_RANGE'));
    });

    it('rejects wrong argument types with ERR_INVALID_ARGUMENT, naming the argument', async () => {
      await expect(build.sign(1 as never, '/p', KEY)).rejects.toThrow(/method/);
      await expect(build.sign('GET', 1 as never, KEY)).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', null as never)).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', { id: KEY.id } as never)).rejects.toThrow(/key\.secret/);
      await expect(build.sign('GET', '/p', KEY, { expires: '600' as never })).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', KEY, { nonce: 5 as never })).rejects.toThrow(/options\.nonce/);
      await expect(build.sign('GET', '/p', KEY, { date: true as never })).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', KEY, 'x' as never)).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
    });

    it('rejects values that cannot be signed safely, without echoing the secret', async () => {
      await expect(build.sign('GET', '/p', KEY, { date: Number.NaN })).rejects.toThrow(code('ERR_DATE_RANGE'));
      await expect(build.sign('GET', '/p', KEY, { expires: Number.MAX_SAFE_INTEGER + 1 })).rejects.toThrow(code('ERR_SIGN_EXPIRES'));
      const err = await build.sign('GET', 'ftp://x/p', { id: 'k', secret: 'TOPSECRET' }).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'ERR_TARGET_SCHEME', name: 'CanonicalError' });
      const err2 = await build.sign('GET', '/p', { id: 'k&x', secret: 'TOPSECRET' }).catch((e: Error) => e);
      expect(err2).toBeInstanceOf(build.NogError);
      expect(String((err2 as Error).message)).not.toContain('TOPSECRET');
      expect(String((err2 as Error).message)).not.toContain('k&x');
    });
  });
}

describe('signSync (node)', () => {
  it('returns what sign resolves to', async () => {
    const opts = { date: DATE_MS, nonce: '0123456789', expires: 600 } as const;
    expect(node.signSync('POST', '/api/blobs/abc?x=1', KEY, opts)).toEqual(await node.sign('POST', '/api/blobs/abc?x=1', KEY, opts));
    expect(node.signSync('GET', '/api/blobs/abc', KEY, opts).signature).toBe(
      'fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d',
    );
    expect(() => node.signSync('', '/p', KEY)).toThrow(code('ERR_SIGN_METHOD'));
  });
});

describe('sign validates every call', () => {
  const outcome = (f: () => unknown): string => {
    try {
      f();
      return 'signed';
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  };
  const method = fc.oneof(fc.constantFrom('', 'GET', 'get', 'POST', 'GET /', 'GET\nX'), fc.string({ maxLength: 6 }));
  const id = fc.oneof(fc.constantFrom('', KEY.id, 'k1', 'a&b', 'a b'), fc.string({ maxLength: 6 }));

  it('a fresh module gives the same answer as one that has signed before (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(method, id), { maxLength: 4 }), method, id, async (history, m, k) => {
        vi.resetModules();
        const fresh = (await import('../src/node.js')) as typeof node;
        const call = (mod: typeof node, mm: string, kk: string) => () =>
          mod.signSync(mm, '/p', { id: kk, secret: 's' }, { date: DATE_MS, nonce: false });
        const first = outcome(call(fresh, m, k));
        for (const [hm, hk] of history) outcome(call(node, hm, hk));
        expect(outcome(call(node, m, k))).toBe(first);
        // The WebCrypto build shares the validation; its first call on a fresh module answers the same.
        const freshWeb = (await import('../src/index.js')) as typeof web;
        const webAnswer = await freshWeb.sign(m, '/p', { id: k, secret: 's' }, { date: DATE_MS, nonce: false }).then(
          () => 'signed',
          (err: { code?: string }) => err.code ?? String(err),
        );
        expect(webAnswer).toBe(first);
      }),
      { numRuns: 150 },
    );
  });

  it('never puts the key id or the secret in the message of what it throws, whatever fails (property)', () => {
    // README, Errors: "messages never contain a key, secret or signature". Every argument drawn so that each check
    // fails in turn (the key id in the URL too, as an auth parameter's value), each key id and secret carrying a
    // marker: no message holds either.
    const piece = fc.string({ unit: 'binary', maxLength: 12 });
    const codes = new Set<string>();
    // Each argument right four times in five, so that later checks are reached too.
    const mostly = <T>(good: T, bad: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: fc.constant(good), weight: 4 }, { arbitrary: bad, weight: 1 });
    fc.assert(
      fc.property(
        mostly('GET', fc.constantFrom('get', 'G T', '')),
        mostly('/p', fc.constantFrom('ftp://h/p', '//h/p', '/p?authkeyid=', '/p?x=1 ', '')),
        mostly(
          'Kid7',
          piece.map((s) => `Kid7${s}`),
        ),
        mostly(
          'Sec7',
          fc.oneof(
            piece.map((s) => `Sec7${s}`),
            fc.constant(''),
          ),
        ),
        mostly<unknown>(600, fc.constantFrom(-1, 0.5, 8_000_000_000_000, undefined)),
        mostly<unknown>(undefined, fc.constantFrom('n', '', 'a b', false)),
        mostly<unknown>(DATE_MS, fc.constantFrom('not a date', '2015-02-30T000000Z')),
        (method, url, id, secret, expires, nonce, date) => {
          try {
            node.signSync(method, url.endsWith('=') ? url + id : url, { id, secret }, { expires, nonce, date } as never);
          } catch (err) {
            const { code, message } = err as { code: string; message: string };
            codes.add(code);
            expect(message).not.toContain('Kid7');
            expect(message).not.toContain('Sec7');
          }
        },
      ),
      { numRuns: 600 },
    );
    // Every check was reached.
    expect([...codes].sort()).toEqual(
      expect.arrayContaining([
        'ERR_DATE_FORMAT',
        'ERR_DATE_RANGE',
        'ERR_SIGN_AUTH_PARAMETER',
        'ERR_SIGN_EXPIRES',
        'ERR_SIGN_KEY',
        'ERR_SIGN_METHOD',
        'ERR_SIGN_NONCE',
        'ERR_TARGET_CHARACTER',
        'ERR_TARGET_EMPTY',
        'ERR_TARGET_FORM',
        'ERR_TARGET_SCHEME',
      ]),
    );
  });

  it('refuses an empty method and an empty key id on the very first call of a fresh module', async () => {
    for (const [m, k, c] of [
      ['', KEY.id, 'ERR_SIGN_METHOD'],
      ['GET', '', 'ERR_SIGN_KEY'],
    ] as const) {
      vi.resetModules();
      const fresh = (await import('../src/node.js')) as typeof node;
      expect(outcome(() => fresh.signSync(m, '/p', { id: k, secret: 's' }))).toBe(c);
      expect(outcome(() => fresh.signSync(m, '/p', { id: k, secret: 's' }))).toBe(c);
    }
  });
});

describe('sign refuses a deadline past 9999-12-31T23:59:59Z', () => {
  for (const [name, build] of builds) {
    it(`${name}: the last deadline signs, one second more is ERR_SIGN_EXPIRES`, async () => {
      const last = Date.UTC(9999, 11, 31, 22, 59, 59);
      await expect(build.sign('GET', '/p', KEY, { date: last, expires: 3600 })).resolves.toMatchObject({ expires: 3600 });
      await expect(build.sign('GET', '/p', KEY, { date: last + 999, expires: 3600 })).resolves.toMatchObject({ expires: 3600 });
      await expect(build.sign('GET', '/p', KEY, { date: last, expires: 3601 })).rejects.toMatchObject({ code: 'ERR_SIGN_EXPIRES' });
      await expect(build.sign('GET', '/p', KEY, { date: DATE_MS, expires: Number.MAX_SAFE_INTEGER })).rejects.toMatchObject({
        code: 'ERR_SIGN_EXPIRES',
      });
    });
  }
});

describe('sign makes no URL its verifier refuses as too long', () => {
  for (const [name, build] of builds) {
    it(`${name}: maxUrlLength (default 16384, the verifier's) bounds the signed URL, the fragment not counted`, async () => {
      const longest = await build.sign('GET', '/p', KEY, { date: DATE_MS, nonce: false });
      const room = 16384 - longest.url.length;
      const fits = `/p${'a'.repeat(room)}`;
      const made = await build.sign('GET', `${fits}#${'f'.repeat(100)}`, KEY, { date: DATE_MS, nonce: false });
      expect(made.url.split('#')[0]!.length).toBe(16384);
      // The scheme and host count too (a proxy receives the absolute form).
      await expect(build.sign('GET', `https://h${fits}`, KEY, { date: DATE_MS, nonce: false })).rejects.toMatchObject({
        code: 'ERR_TARGET_TOO_LONG',
      });
      await expect(build.sign('GET', fits, KEY, { date: DATE_MS, nonce: false })).resolves.toMatchObject({ url: expect.any(String) });
      await expect(build.sign('GET', `${fits}a`, KEY, { date: DATE_MS, nonce: false })).rejects.toMatchObject({
        code: 'ERR_TARGET_TOO_LONG',
      });
      // Whatever it signs, a verifier with the same limit takes.
      const signedMax = (await build.sign('GET', fits, KEY, { date: DATE_MS, nonce: false })).url;
      expect(signedMax.length).toBe(16384);
      const verifier = build.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => DATE_MS });
      expect((await verifier.verify('GET', signedMax)).ok).toBe(true);
      // A smaller limit, and bad values.
      await expect(build.sign('GET', '/p', KEY, { maxUrlLength: 100 })).rejects.toMatchObject({ code: 'ERR_TARGET_TOO_LONG' });
      await expect(build.sign('GET', '/p', KEY, { maxUrlLength: 0 })).rejects.toMatchObject({ code: 'ERR_OPTION_RANGE' });
      await expect(build.sign('GET', '/p', KEY, { maxUrlLength: '1' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    });
  }
});

describe('sign makes no URL its verifier refuses for a repeated auth parameter', () => {
  const PIECES = ['auth', 'keyid', 'expires', 'signature', 'nonce', '%6B', '%6', '%', '%2', '=', '&', 'x', '1', 'A', '%61', '+'];
  const query = fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((p) => p.join(''));
  /** What the verifier reads: malformed (null), or some auth parameter present. */
  const verifierSeesAuth = (q: string) => {
    const read = readAuthParams(`/p?${q}`, 2);
    return read === null || AUTH_SLOTS.some((slot) => read[slot] !== undefined);
  };
  const AUTH_SLOTS = ['algorithm', 'keyId', 'date', 'expires', 'nonce', 'signature'] as const;

  for (const [name, build] of builds) {
    it(`${name}: ERR_SIGN_AUTH_PARAMETER for a plain, valueless or encoded auth name; application names sign`, async () => {
      const opts = { date: DATE_MS, nonce: false as const };
      for (const url of [
        '/p?authexpires&x=1',
        '/p?x=1&authsignature=00',
        '/p?auth%6Beyid=k',
        '/p?%61uthnonce',
        'https://h/p?authdate=x#f',
      ]) {
        await expect(build.sign('GET', url, KEY, opts), url).rejects.toMatchObject({ code: 'ERR_SIGN_AUTH_PARAMETER' });
        expect(() => node.signSync('GET', url, KEY, opts), url).toThrow(expect.objectContaining({ code: 'ERR_SIGN_AUTH_PARAMETER' }));
      }
      for (const url of [
        '/p?authfoo=1',
        '/p?Authkeyid=1',
        '/p?authkeyids',
        '/p?auth%6=1',
        '/p?x=authkeyid',
        '/p?x=1#authkeyid=k',
        '/authkeyid?x',
      ]) {
        await expect(build.sign('GET', url, KEY, opts), url).resolves.toMatchObject({ url: expect.any(String) });
      }
      // Checked after the URL and before the key: the order the spec gives.
      await expect(build.sign('GET', '/p?authkeyid', { id: '', secret: 's' }, opts)).rejects.toMatchObject({
        code: 'ERR_SIGN_AUTH_PARAMETER',
      });
      await expect(build.sign('GET', 'p?authkeyid', KEY, opts)).rejects.toMatchObject({ code: 'ERR_TARGET_FORM' });
    });

    it(`${name}: refuses exactly the queries whose signed URL the verifier would read as repeated or encoded`, async () => {
      const verifier = build.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => DATE_MS });
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const signed = await build.sign('GET', `/p?${q}`, KEY, { date: DATE_MS, nonce: false }).then(
            (r) => r.url,
            (e: { code?: string }) => e.code,
          );
          if (verifierSeesAuth(q)) expect(signed).toBe('ERR_SIGN_AUTH_PARAMETER');
          else {
            expect(signed).toMatch(/^\/p\?/);
            expect((await verifier.verify('GET', signed)).ok).toBe(true);
          }
        }),
        { numRuns: 2000 },
      );
    });
  }
});

describe('sign refuses exactly the queries its verifier refuses as a repeated or encoded auth name', () => {
  const NAMES = ['authalgorithm', 'authkeyid', 'authdate', 'authexpires', 'authnonce', 'authsignature'];
  /** A spelling of `name`, written here: each character as itself or `%XX`, each hex digit in a random case. */
  const spelled = (name: string) =>
    fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), { minLength: name.length, maxLength: name.length }).map((c) =>
      [...name]
        .map((ch, i) => {
          const [escaped, upperHi, upperLo] = c[i]!;
          if (!escaped) return ch;
          const [hi, lo] = ch.charCodeAt(0).toString(16);
          return `%${upperHi ? hi!.toUpperCase() : hi}${upperLo ? lo!.toUpperCase() : lo}`;
        })
        .join(''),
    );
  const authName = fc.constantFrom(...NAMES);
  const segmentName = fc.oneof(
    authName,
    authName.chain(spelled),
    // Near misses: one character replaced by a hex digit or `%`, or cut off; an escape encoded twice; another case.
    fc
      .tuple(authName.chain(spelled), fc.nat(), fc.constantFrom(...'0123456789abcdefABCDEF%'))
      .map(([n, at, c]) => n.slice(0, at % n.length) + c + n.slice((at % n.length) + 1)),
    fc.tuple(authName.chain(spelled), fc.nat()).map(([n, at]) => n.slice(0, at % n.length)),
    authName.map((n) => `${n.slice(0, 4)}%25${n.charCodeAt(4).toString(16)}${n.slice(5)}`),
    fc.constantFrom('Authkeyid', 'authkeyids', 'x', '', '%', '%%', 'auth', '%61%75%74%68'),
    fc.string({ unit: 'binary', maxLength: 6 }),
  );
  const segment = fc
    .tuple(segmentName, fc.option(fc.constantFrom('', '1', 'authkeyid', '%', 'a=b', '%61uthdate'), { nil: null }))
    .map(([n, v]) => (v === null ? n : `${n}=${v}`));
  // A few segments, which the verifier reads by hand, or those after 16 to 24 of the application's, which its
  // regular expression reads.
  const filler = fc.array(fc.constantFrom('x=1', 'a', '', 'b=%41', 'auth=1'), { minLength: 16, maxLength: 24 });
  const query = fc
    .oneof(
      fc.array(segment, { maxLength: 8 }),
      fc.tuple(filler, fc.array(segment, { maxLength: 4 })).map(([f, tail]) => [...f, ...tail]),
    )
    .map((segments) => segments.join('&'));

  for (const [name, build] of builds) {
    it(`${name}: ERR_SIGN_AUTH_PARAMETER exactly where the verifier answers ERR_AUTH_MALFORMED for the query signed as is`, async () => {
      const verifier = build.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => DATE_MS });
      let refused = 0;
      let signed = 0;
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const result = await build.sign('GET', `/p?${q}`, KEY, { date: DATE_MS }).then(
            (r) => r.url,
            (e: { code?: string }) => ({ code: e.code }),
          );
          if (typeof result === 'string') {
            signed++;
            expect(await verifier.verify('GET', result)).toMatchObject({ ok: true });
            return;
          }
          // A URL the target rules refuse is refused before this rule, by both.
          if (result.code?.startsWith('ERR_TARGET_')) return;
          expect(result.code).toBe('ERR_SIGN_AUTH_PARAMETER');
          refused++;
          // The signer's own parameters after the caller's query, as it would have sent them (a fresh nonce each).
          const own = (await build.sign('GET', '/p', KEY, { date: DATE_MS })).url.slice('/p?'.length);
          expect(await verifier.verify('GET', `/p?${q}&${own}`)).toMatchObject({ ok: false, code: 'ERR_AUTH_MALFORMED' });
        }),
        { numRuns: 600 },
      );
      // Both sides of the rule were drawn.
      expect(refused).toBeGreaterThan(100);
      expect(signed).toBeGreaterThan(50);
    });
  }
});

describe('sign warns where a usual server will refuse what it signed', () => {
  type Warning = { code: string; message: string };
  const collect = () => {
    const got: Warning[] = [];
    return { got, onWarning: (w: Warning) => got.push(w) };
  };

  for (const [name, build] of builds) {
    it(`a method with lowercase letters, every time to onWarning; never an uppercase or non-letter method (${name})`, async () => {
      const { got, onWarning } = collect();
      for (const method of ['get', 'Post', 'patch', 'get']) await build.sign(method, '/p', KEY, { onWarning });
      expect(got.map((w) => w.code)).toEqual(Array(4).fill('WARN_SIGN_METHOD_CASE'));
      expect(got[0]!.message).toContain('"get" is signed as given');
      expect(got[0]!.message).toContain('"GET"');
      for (const method of ['GET', 'POST', 'M-SEARCH', 'x-custom', 'GET']) await build.sign(method, '/p', KEY, { onWarning });
      expect(got).toHaveLength(4);
    });

    it(`expires that a default verifier refuses with a nonce, and only that (${name})`, async () => {
      const verifier = build.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => DATE_MS });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.integer({ min: 3500, max: 3700 }), fc.nat({ max: 10 ** 8 })),
          fc.boolean(),
          async (expires, withNonce) => {
            const { got, onWarning } = collect();
            const nonce = withNonce ? undefined : false;
            const r = await build.sign('GET', '/p', KEY, { date: DATE_MS, expires, onWarning, ...(nonce === false ? { nonce } : {}) });
            const refused = !(await verifier.verify('GET', r.url)).ok;
            // The verifier's refusal (with its defaults) is the oracle: a warning exactly when it says no.
            expect(got.map((w) => w.code)).toEqual(refused ? ['WARN_SIGN_EXPIRES_NONCE'] : []);
            if (refused) expect(await verifier.verify('GET', r.url)).toMatchObject({ code: 'ERR_AUTH_EXPIRES_INVALID' });
          },
        ),
        { numRuns: 200 },
      );
    });

    it(`goes to process.emitWarning by default, each distinct warning once; a throwing handler makes sign reject (${name})`, async () => {
      const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      try {
        const method = `gEt${name === 'WebCrypto' ? 'w' : 'n'}`;
        await build.sign(method, '/p', KEY);
        await build.sign(method, '/q', KEY);
        expect(emitted.mock.calls).toEqual([
          [expect.stringContaining(`"${method}"`), { type: 'ReqsignWarning', code: 'WARN_SIGN_METHOD_CASE' }],
        ]);
      } finally {
        emitted.mockRestore();
      }
      const boom = new Error('warnings are errors here');
      await expect(
        build.sign('get', '/p', KEY, {
          onWarning: () => {
            throw boom;
          },
        }),
      ).rejects.toBe(boom);
      await expect(build.sign('GET', '/p', KEY, { onWarning: 'log' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    });

    it(`createNogFetch passes its onWarning to sign (${name})`, async () => {
      const { got, onWarning } = collect();
      const nogFetch = build.createNogFetch({ key: KEY, expires: 7200, onWarning, fetch: async () => new Response('') });
      await nogFetch('https://example.com/p');
      expect(got.map((w) => w.code)).toEqual(['WARN_SIGN_EXPIRES_NONCE']);
    });
  }

  it('signSync warns as sign does', () => {
    const { got, onWarning } = collect();
    node.signSync('get', '/p', KEY, { onWarning, expires: 3601 });
    expect(got.map((w) => w.code)).toEqual(['WARN_SIGN_METHOD_CASE', 'WARN_SIGN_EXPIRES_NONCE']);
  });
});

describe('sign reads each URL anew: one signer, URLs and limits in any order', () => {
  // A signer keeps the last URL it read: the same URL under another limit, or another URL after it, must be read
  // again. Each expected URL is put together here from the parts written out by hand, its HMAC by node:crypto.
  const cases = [
    { url: 'https://example.com:8443/a?b=1#frag', origin: 'https://example.com:8443', target: '/a?b=1', fragment: '#frag' },
    { url: 'https://example.com:8443/a?b=1', origin: 'https://example.com:8443', target: '/a?b=1', fragment: '' },
    { url: 'http://u@h/a', origin: 'http://u@h', target: '/a', fragment: '' },
    { url: 'HTTPS://h?x', origin: 'HTTPS://h', target: '/?x', fragment: '' },
    { url: '/a?b=1', origin: '', target: '/a?b=1', fragment: '' },
    { url: '/a?b=1&authkeyid=x', origin: '', target: null, fragment: '' },
    { url: 'ftp://h/a', origin: '', target: null, fragment: '' },
  ];
  const D = '2015-04-20T123456Z';
  for (const [name, build] of [...builds, ['signSync', { sign: node.signSync }] as const]) {
    it(`gives what each URL alone gives (${name})`, async () => {
      const sign = build.sign as (...args: Parameters<typeof node.signSync>) => unknown;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom(...cases), fc.integer({ min: 140, max: 260 })), { minLength: 1, maxLength: 8 }),
          async (calls) => {
            for (const [c, max] of calls) {
              const run = async () => sign('GET', c.url, KEY, { date: D, nonce: false, maxUrlLength: max });
              if (c.target === null) {
                await expect(run()).rejects.toThrow(
                  c.url.startsWith('ftp')
                    ? expect.objectContaining({ code: 'ERR_TARGET_SCHEME' })
                    : expect.objectContaining({ code: 'ERR_SIGN_AUTH_PARAMETER' }),
                );
                continue;
              }
              const target = `${c.target}${c.target.includes('?') ? '&' : '?'}authalgorithm=nog-v1&authkeyid=${KEY.id}&authdate=${D}&authexpires=600`;
              const sent = `${c.origin}${target}&authsignature=${createHmac('sha256', KEY.secret).update(`GET\n${target}\n`).digest('hex')}`;
              if (sent.length > max) await expect(run()).rejects.toThrow(expect.objectContaining({ code: 'ERR_TARGET_TOO_LONG' }));
              else expect(((await run()) as { url: string }).url).toBe(`${sent}${c.fragment}`);
            }
          },
        ),
        { numRuns: name === 'WebCrypto' ? 100 : 500 },
      );
    });
  }
});

describe('one signer over many calls', () => {
  // A signer keeps what it made last (the checked method, key id and URL, and the signed target up to the nonce) and
  // reuses it when the next call repeats it. Calls that repeat and change each input in turn, through one signer,
  // each held to the spec's construction written here and to createHmac: a reused part that should have been made
  // anew would show as a wrong target or signature.
  const KEY2 = { id: 'other-key_1.~', secret: 'another secret' };
  const URLS = [
    '/p',
    '/p?x=1',
    '/p?',
    '/a/b?y=2&z',
    'https://example.com/p?x=1',
    'http://example.com:8080/p',
    '/p?x=1#frag',
    'https://example.com/p#f',
  ];
  const split = (url: string) => {
    const hash = url.indexOf('#');
    const beforeFragment = hash === -1 ? url : url.slice(0, hash);
    const m = /^(https?:\/\/[^/?]*)?(.*)$/.exec(beforeFragment)!;
    return { origin: m[1] ?? '', target: m[2]!, fragment: hash === -1 ? null : url.slice(hash + 1) };
  };
  const call = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT'),
    url: fc.constantFrom(...URLS),
    key: fc.constantFrom(KEY, KEY2),
    // The same second, the next second, a second before.
    date: fc.constantFrom(DATE_MS, DATE_MS + 400, DATE_MS + 1000, DATE_MS - 1000),
    expires: fc.constantFrom(undefined, 0, 60, 600),
    nonce: fc.constantFrom(undefined, false as const, 'n1', 'a-much-longer_nonce.~'),
    // No limit, one the URL fits exactly, one a character short of it.
    limit: fc.constantFrom(undefined, 0, -1),
  });
  const FIELDS = ['method', 'url', 'key', 'date', 'expires', 'nonce', 'limit'] as const;
  for (const [name, signer] of [
    ['signSync', (m: string, u: string, k: typeof KEY, o: object) => node.signSync(m, u, k, o)],
    ['sign', (m: string, u: string, k: typeof KEY, o: object) => node.sign(m, u, k, o)],
  ] as const) {
    it(`${name}: every result is the spec's, whatever the previous call was (property)`, async () => {
      await fc.assert(
        // A first call, then steps that each change one input of the call before (or none), so that every input is
        // seen to change alone.
        fc.asyncProperty(call, fc.array(fc.tuple(fc.constantFrom(...FIELDS), call), { maxLength: 12 }), async (first, steps) => {
          const calls = [first];
          for (const [field, other] of steps) calls.push({ ...calls[calls.length - 1]!, [field]: other[field] });
          for (const c of calls) {
            const parts = split(c.url);
            const authdate = new Date(Math.floor(c.date / 1000) * 1000)
              .toISOString()
              .replace(/[-:]|\.\d{3}/g, '')
              .replace(/^(\d{4})(\d\d)(\d\d)/, '$1-$2-$3');
            const expires = c.expires ?? 600;
            const base = `${parts.target}${parts.target.includes('?') ? '&' : '?'}authalgorithm=nog-v1&authkeyid=${c.key.id}&authdate=${authdate}&authexpires=${expires}`;
            // The length the signed URL will have, for the limits (a default nonce is 20 characters).
            const nonceLength = c.nonce === false ? 0 : '&authnonce='.length + (c.nonce === undefined ? 20 : c.nonce.length);
            const length = parts.origin.length + base.length + nonceLength + '&authsignature='.length + 64;
            const options = {
              date: c.date,
              onWarning: () => {},
              ...(c.expires === undefined ? {} : { expires: c.expires }),
              ...(c.nonce === undefined ? {} : { nonce: c.nonce }),
              ...(c.limit === undefined ? {} : { maxUrlLength: length + c.limit }),
            };
            let r: Awaited<ReturnType<typeof node.sign>>;
            try {
              r = await signer(c.method, c.url, c.key, options);
            } catch (err) {
              expect(c.limit).toBe(-1);
              expect(err).toMatchObject({ code: 'ERR_TARGET_TOO_LONG' });
              continue;
            }
            expect(c.limit).not.toBe(-1);
            const nonce = c.nonce === undefined ? r.nonce : c.nonce === false ? null : c.nonce;
            if (c.nonce === undefined) expect(nonce).toMatch(/^[0-9a-f]{20}$/);
            const target = nonce === null ? base : `${base}&authnonce=${nonce}`;
            const signature = createHmac('sha256', c.key.secret).update(`${c.method}\n${target}\n`).digest('hex');
            expect(r).toEqual({
              url: `${parts.origin}${target}&authsignature=${signature}${parts.fragment === null ? '' : `#${parts.fragment}`}`,
              target,
              stringToSign: `${c.method}\n${target}\n`,
              signature,
              authdate,
              expires,
              nonce,
            });
            expect(r.url.length - (parts.fragment === null ? 0 : parts.fragment.length + 1)).toBe(length);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
