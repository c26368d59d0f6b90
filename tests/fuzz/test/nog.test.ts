import fc from 'fast-check';
import * as nodeNog from '@reqsign/nog';
import * as webNog from '@reqsign/nog/webcrypto';
import * as nogDiagnose from '@reqsign/nog/diagnose';
import { parseReceivedTarget } from '@reqsign/canonical';
import { describe, expect, it } from 'vitest';
import { clientFetch, hostile, mutate, near, nearValidOptions, options, retryOn503Entry, text, twinned, urlish } from './arbitraries.js';
import { DATE, KEY, SECRET, signedUrls } from './signed.js';
import { draw, RUNS, replay, expectClean, fuzz, unfuzzedExports } from './harness.js';

const method = fc.oneof({ arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'get', 'PUT'), weight: 4 }, { arbitrary: text, weight: 1 });
const key = fc.oneof(
  { arbitrary: fc.constant(KEY), weight: 4 },
  { arbitrary: fc.record({ id: near(text), secret: near(fc.constantFrom(SECRET, '')) }, { requiredKeys: [] }), weight: 1 },
);
const signOptions = options({
  date: fc.oneof(
    fc.constant(DATE),
    fc.integer(),
    fc.date({ noInvalidDate: false }),
    // Clocks far outside the working range, and the authdate as text, near-valid or with low-byte twins.
    fc.double(),
    fc.constantFrom(1e17, -1e17, 8.64e15, 253402300800000, '2015-04-20T123456Z', '2015-02-30T000000Z', '10000-01-01T000000Z'),
    twinned(fc.constant('2015-04-20T123456Z')),
  ),
  expires: fc.oneof(fc.integer({ min: -1, max: 4000 }), fc.double()),
  nonce: fc.oneof(fc.constant(false), fc.string({ maxLength: 24 }), fc.constant('0123456789')),
  maxUrlLength: fc.integer({ min: -1, max: 300 }),
});
const verifierOptions = options({
  keys: fc.oneof(
    fc.constant({ [KEY.id]: SECRET }),
    fc.constant(new Map([[KEY.id, SECRET]])),
    fc.func(fc.oneof(fc.constant(SECRET), hostile)),
    fc.constant(async () => SECRET),
  ),
  now: fc.oneof(
    fc.constant(() => DATE + 1000),
    fc.func(hostile),
  ),
  defaultExpires: fc.integer({ min: -1, max: 5000 }),
  maxExpiresWithNonce: fc.integer({ min: -1, max: 5000 }),
  maxExpires: fc.integer({ min: -1, max: 5000 }),
  maxClockSkew: fc.integer({ min: -1, max: 5000 }),
  requireNonce: fc.boolean(),
  maxUrlLength: fc.integer({ min: -1, max: 300 }),
  keyLookupTimeoutMs: fc.integer({ min: -1, max: 2 ** 32 }),
  nonceStore: fc.oneof(fc.constant({ claim: () => true }), fc.record({ claim: fc.func(hostile) })),
});
const claim = options({
  keyId: text,
  authdate: fc.constantFrom('2026-01-02T030405Z', 'x', ''),
  nonce: fc.oneof(fc.constant('0123456789'), fc.string({ maxLength: 30 }), fc.string({ minLength: 3000, maxLength: 4000 })),
  expiresAt: fc.oneof(fc.constant(DATE + 600_000), fc.double(), fc.constant(Number.POSITIVE_INFINITY)),
  // Clocks far from the first claim's: 68 years and more either side, and anywhere a double goes.
  now: fc.oneof(fc.constant(DATE), fc.double(), fc.constantFrom(DATE + 2.2e12, DATE - 2.2e12, 8.64e15, -8.64e15)),
});

for (const [name, nog] of [
  ['node', nodeNog],
  ['webcrypto', webNog],
] as const) {
  const verifier = nog.createVerifier({ keys: { [KEY.id]: SECRET }, now: () => DATE + 1000 });

  const ENTRIES: Record<string, { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown }> = {
    sign: {
      args: fc.tuple(near(method), near(urlish), near(key), signOptions),
      call: (m, u, k, o) => nog.sign(m as string, u as string, k as never, o as never),
    },
    ...('signSync' in nog
      ? {
          signSync: {
            args: fc.tuple(near(method), near(urlish), near(key), signOptions),
            call: (m: unknown, u: unknown, k: unknown, o: unknown) => nodeNog.signSync(m as string, u as string, k as never, o as never),
          },
        }
      : {}),
    createVerifier: {
      args: fc.tuple(verifierOptions, near(method), near(fc.oneof(signedUrls, mutate(signedUrls)))),
      call: (o, m, u) => nog.createVerifier(o as never).verify(m as string, u as string),
    },
    'createVerifier().verify': {
      args: fc.tuple(near(method), near(fc.oneof(signedUrls, mutate(signedUrls), urlish))),
      call: (m, u) => verifier.verify(m as string, u as string),
    },
    MemoryNonceStore: {
      args: fc.tuple(options({ maxEntries: fc.integer({ min: -1, max: 10 }) }), fc.array(claim, { maxLength: 4 })),
      call: async (o, claims) => {
        const store = new nog.MemoryNonceStore(o as never);
        for (const c of claims as unknown[]) await store.claim(c as never);
      },
    },
    createNogFetch: {
      // Options, URL and init that reach a real request most of the time (a server that answers anything), each option
      // made wrong one at a time, and now and then anything at all.
      args: fc.tuple(
        nearValidOptions(
          {
            key: fc.constantFrom<unknown>(
              KEY,
              () => KEY,
              async () => KEY,
            ),
            fetch: clientFetch,
          },
          {
            baseUrl: fc.constantFrom('https://h.example/api/', 'http://[::1]:8080'),
            expires: fc.integer({ min: 1, max: 700 }),
            nonce: fc.constant(false),
            clockOffset: fc.integer({ min: -10_000_000, max: 10_000_000 }),
            correctClock: fc.boolean(),
            retry: fc.constant(nog.retryOn503({ attempts: 3, maxDelayMs: 0 })),
            onWarning: fc.constant(() => {}),
          },
          {
            key: near(key),
            baseUrl: fc.oneof(fc.constantFrom('https://h.example/api/', 'http://[::1]:8080', 'relative/', ''), text),
            expires: fc.integer({ min: -1, max: 700 }),
            nonce: fc.constant(false),
            clockOffset: fc.oneof(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.double()),
            fetch: clientFetch,
            correctClock: fc.boolean(),
            retry: fc.constant(nog.retryOn503({ attempts: 3, maxDelayMs: 0 })),
            onWarning: fc.constant(() => {}),
          },
        ),
        fc.oneof(
          { arbitrary: fc.constantFrom('https://h.example/api/x?y=1', 'https://h.example/', 'https://h.example/a%20b?c=%41'), weight: 5 },
          { arbitrary: fc.constant('/api/blobs/x'), weight: 1 },
          { arbitrary: urlish.map((u) => URL.parse(u, 'https://h.example')?.href ?? u), weight: 2 },
          { arbitrary: urlish, weight: 1 },
          { arbitrary: hostile, weight: 1 },
        ),
        fc.oneof(
          { arbitrary: fc.constantFrom(undefined, { method: 'GET' }, { method: 'POST', body: 'x' }), weight: 8 },
          {
            arbitrary: near(
              fc.record({ method: near(method), headers: near(fc.dictionary(fc.string(), fc.string())) }, { requiredKeys: [] }),
            ),
            weight: 1,
          },
        ),
      ),
      // Never the network: without a fetch of the caller's, the global one would answer (and fail) for real.
      call: (o, input, init) => {
        const withFetch =
          typeof o === 'object' && o !== null && (o as { fetch?: unknown }).fetch === undefined
            ? { ...o, fetch: async () => new Response('ok') }
            : o;
        return nog.createNogFetch(withFetch as never)(input as string, init as never);
      },
    },
    retryOn503: retryOn503Entry(nog.retryOn503 as never, () => new nog.NogError('ERR_INVALID_ARGUMENT', 'aborted by the fuzz run')),
    diagnose: {
      args: fc.tuple(
        near(method),
        near(fc.oneof(signedUrls, mutate(signedUrls), urlish)),
        fc.oneof(
          verifierOptions,
          options({
            keys: fc.constant({ [KEY.id]: SECRET }),
            now: fc.constant(() => DATE + 1000),
            expectedUrl: near(fc.oneof(signedUrls, urlish)),
            failure: near(fc.record({ code: fc.constantFrom('ERR_AUTH_NONCE_INVALID', 'ERR_AUTH_SIG_INVALID', 'x') })),
            origins: near(fc.array(fc.oneof(fc.constant('https://h.example'), text), { maxLength: 3 })),
            prefixes: near(fc.array(fc.oneof(fc.constant('/api'), text), { maxLength: 3 })),
            otherSecrets: near(fc.dictionary(text, fc.constantFrom(SECRET, 'other-secret-0123456789'), { maxKeys: 2 })),
          }),
        ),
      ),
      call: (m, u, o) => nogDiagnose.diagnose(m as string, u as string, o as never),
    },
    failureBody: {
      args: fc.tuple(
        near(
          fc.record({
            ok: fc.constant(false),
            code: fc.constantFrom('ERR_AUTH_SIG_INVALID', 'x'),
            message: text,
            status: fc.constantFrom(401, 503),
          }),
        ),
      ),
      call: (f) => nog.failureBody(f as never),
    },
    scopedClaimOf: {
      args: fc.tuple(near(fc.record({ keyId: text, authdate: text, nonce: text, expiresAt: fc.double(), now: fc.double() }))),
      call: (c) => nog.scopedClaimOf(c as never),
    },
  };

  describe(`@reqsign/nog (${name})`, () => {
    it('has an entry for every exported function', () => {
      expect(unfuzzedExports(nog, Object.keys(ENTRIES), ['NogError', 'NonceStoreError', 'ReqsignError', 'CanonicalError'])).toEqual([]);
      expect(unfuzzedExports(nogDiagnose, ['diagnose'])).toEqual([]);
    });

    for (const [entry, { args, call }] of Object.entries(ENTRIES)) {
      it(`${entry}: answers, or fails with a typed error that carries no secret, for any input`, async () => {
        expectClean(await fuzz(`nog(${name}).${entry}`, args, call, { secrets: [SECRET] }));
      });
    }

    it('MemoryNonceStore: never takes a live nonce twice, whatever the clocks of the claims', async () => {
      const YEAR = 365.25 * 86_400_000;
      const clocks = fc.array(
        fc.oneof(
          fc.double({ min: -1000 * YEAR, max: 1000 * YEAR, noNaN: true }),
          fc.constantFrom(67 * YEAR, 69 * YEAR, -69 * YEAR, 2 ** 32 * 1000),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        { minLength: 2, maxLength: 6 },
      );
      const summary = await fuzz(
        `nog(${name}).MemoryNonceStore(clocks)`,
        fc.tuple(clocks, twinned(fc.constant('0123456789'))),
        (offsets, nonce) => {
          const store = new nog.MemoryNonceStore();
          const c = { keyId: KEY.id, authdate: '2015-04-20T123456Z', nonce, expiresAt: Number.POSITIVE_INFINITY };
          const answers: unknown[] = [];
          for (const off of offsets) {
            try {
              answers.push(store.claim({ ...c, now: DATE + off }));
            } catch (err) {
              answers.push((err as { code?: string }).code);
            }
          }
          return answers;
        },
        {
          // A nonce that never expires is taken once; every later claim is a replay or a refusal, never true.
          check: (value) => {
            const answers = value as unknown[];
            const taken = answers.filter((a) => a === true).length;
            expect(taken).toBeLessThanOrEqual(1);
            for (const a of answers) expect([true, false, 'ERR_NONCE_STORE_UNAVAILABLE']).toContain(a);
          },
        },
      );
      expectClean(summary);
    });

    it('sign: the first failing check in the order of nog-v1.md decides the code, whatever else is wrong', async () => {
      const STAGES = ['date', 'method', 'url', 'auth', 'keyId', 'secret', 'expires', 'nonce', 'deadline', 'length'] as const;
      const CODES: Record<(typeof STAGES)[number], readonly string[]> = {
        date: ['ERR_DATE_RANGE', 'ERR_DATE_FORMAT'],
        method: ['ERR_SIGN_METHOD'],
        url: ['ERR_TARGET_SCHEME', 'ERR_TARGET_FORM', 'ERR_TARGET_CHARACTER', 'ERR_TARGET_EMPTY', 'ERR_TARGET_HOST'],
        auth: ['ERR_SIGN_AUTH_PARAMETER'],
        keyId: ['ERR_SIGN_KEY'],
        secret: ['ERR_SIGN_KEY'],
        expires: ['ERR_SIGN_EXPIRES'],
        nonce: ['ERR_SIGN_NONCE'],
        deadline: ['ERR_SIGN_EXPIRES'],
        length: ['ERR_TARGET_TOO_LONG'],
      };
      // Each stage's wrong values, from all of UTF-16 where the argument is a string (a twin of a valid character
      // included); the right value is a constant that passes every stage.
      const wrong = {
        date: fc.oneof(
          fc.double().filter((d) => !(d >= -62167219200000 && d <= 253402300799999)),
          fc.constantFrom('2015-02-30T000000Z', '2015-04-20T12:34:56Z', '10000-01-01T000000Z', ''),
          twinned(fc.constant('2015-04-20T123456Z')),
        ),
        method: fc.oneof(
          fc.constantFrom('', 'G T', 'GET\n'),
          twinned(fc.constant('GET')),
          fc.string({ unit: 'binary', minLength: 1 }).filter((m) => !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(m)),
        ),
        url: fc.constantFrom('ftp://h/p', '', 'p', '/a b', '//h/p', 'http:///p', `/p${String.fromCharCode(0x7f)}`),
        auth: fc.constantFrom('/p?authkeyid=x', '/p?auth%6Beyid', '/p?x&authsignature'),
        keyId: fc.oneof(fc.constant(''), twinned(fc.constant(KEY.id))),
        secret: fc.constant(''),
        // Not whole, or below 0. A whole number past 2^53 (1e21) is whole: its fault is the deadline's (below).
        expires: fc.constantFrom(-1, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        deadlineExpires: fc.constantFrom(1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e21),
        nonce: fc.oneof(fc.constant(''), twinned(fc.constant('0123456789'))),
      };
      const input = fc.record({
        faults: fc.subarray([...STAGES], { minLength: 1 }),
        date: wrong.date,
        method: wrong.method,
        url: wrong.url,
        auth: wrong.auth,
        keyId: wrong.keyId,
        secret: wrong.secret,
        expires: wrong.expires,
        deadlineExpires: wrong.deadlineExpires,
        nonce: wrong.nonce,
      });
      const differ: string[] = [];
      for (const { value: v, seed } of draw(input, Math.ceil(RUNS / 10))) {
        const bad = new Set(v.faults);
        const url = bad.has('url') ? v.url : bad.has('auth') ? v.auth : '/p';
        const options = {
          date: bad.has('date') ? v.date : bad.has('deadline') ? '9999-12-31T235959Z' : DATE,
          expires: bad.has('expires') ? v.expires : bad.has('deadline') ? v.deadlineExpires : 1,
          nonce: bad.has('nonce') ? v.nonce : '0123456789',
          maxUrlLength: bad.has('length') ? 100 : 16384,
        };
        const key = { id: bad.has('keyId') ? v.keyId : KEY.id, secret: bad.has('secret') ? v.secret : SECRET };
        const first = STAGES.find((s) => bad.has(s))!;
        const got = await nog.sign(bad.has('method') ? v.method : 'GET', url, key, options as never).then(
          () => 'signed',
          (e: { code?: string }) => e.code,
        );
        if (!CODES[first].includes(got as string) && differ.length < 4) {
          differ.push(`${[...bad].join(',')} ${JSON.stringify(options)}: ${got}, the spec says ${first} (${replay(seed)})`);
        }
      }
      expect(differ).toEqual([]);
    });

    it('createVerifier().verify: a changed signed URL is accepted only when the signed request is the same', async () => {
      let accepted = 0;
      const summary = await fuzz(
        `nog(${name}).verify(mutated)`,
        signedUrls.chain((u) => fc.tuple(fc.constant(u), mutate(fc.constant(u)))),
        async (original, changed) => {
          // A fresh verifier per input (no nonce store memory): only the URL decides.
          const v = nog.createVerifier({ keys: { [KEY.id]: SECRET }, now: () => DATE + 1000 });
          return { original, changed, result: await v.verify('GET', changed) };
        },
        {
          check: (value) => {
            const { original, changed, result } = value as { original: string; changed: string; result: { ok: boolean } };
            // The host of an absolute URL is not signed in nog-v1; the target (path and query) is, every byte.
            if (result.ok) {
              accepted++;
              expect(parseReceivedTarget(changed).target).toBe(parseReceivedTarget(original).target);
            }
          },
        },
      );
      expectClean(summary);
      // The unchanged ones (no edit drawn) and harmless edits pass: the check above was reached.
      expect(accepted).toBeGreaterThan(summary.inputs / 20);
    });
  });
}
