import fc from 'fast-check';
import * as nodeNog from '@reqsign/nog';
import * as webNog from '@reqsign/nog/webcrypto';
import * as nogDiagnose from '@reqsign/nog/diagnose';
import { parseReceivedTarget } from '@reqsign/canonical';
import { describe, expect, it } from 'vitest';
import { hostile, mutate, near, options, text, urlish } from './arbitraries.js';
import { DATE, KEY, SECRET, signedUrls } from './signed.js';
import { expectClean, fuzz, unfuzzedExports } from './harness.js';

const method = fc.oneof({ arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'get', 'PUT'), weight: 4 }, { arbitrary: text, weight: 1 });
const key = fc.oneof(
  { arbitrary: fc.constant(KEY), weight: 4 },
  { arbitrary: fc.record({ id: near(text), secret: near(fc.constantFrom(SECRET, '')) }, { requiredKeys: [] }), weight: 1 },
);
const signOptions = options({
  date: fc.oneof(fc.constant(DATE), fc.integer(), fc.date({ noInvalidDate: false })),
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
  expiresAt: fc.oneof(fc.constant(DATE + 600_000), fc.double()),
  now: fc.oneof(fc.constant(DATE), fc.double()),
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
      args: fc.tuple(
        options({
          key: near(key),
          baseUrl: fc.oneof(fc.constantFrom('https://h.example/api/', 'http://[::1]:8080', 'relative/', ''), text),
          expires: fc.integer({ min: -1, max: 700 }),
          nonce: fc.constant(false),
          clockOffset: fc.oneof(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.double()),
          fetch: fc.oneof(
            fc.constant(async () => new Response('ok')),
            fc.func(hostile),
          ),
        }),
        near(
          fc.oneof(
            urlish.map((u) => URL.parse(u, 'https://h.example')?.href ?? u),
            urlish,
          ),
        ),
        near(fc.record({ method: near(method), headers: near(fc.dictionary(fc.string(), fc.string())) }, { requiredKeys: [] })),
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
  };

  describe(`@reqsign/nog (${name})`, () => {
    it('has an entry for every exported function', () => {
      expect(unfuzzedExports(nog, Object.keys(ENTRIES), ['NogError', 'NonceStoreError'])).toEqual([]);
      expect(unfuzzedExports(nogDiagnose, ['diagnose'])).toEqual([]);
    });

    for (const [entry, { args, call }] of Object.entries(ENTRIES)) {
      it(`${entry}: answers, or fails with a typed error that carries no secret, for any input`, async () => {
        expectClean(await fuzz(`nog(${name}).${entry}`, args, call, { secrets: [SECRET] }));
      });
    }

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
