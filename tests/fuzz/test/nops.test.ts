import { createPrivateKey, createPublicKey, sign as rawSign, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as nodeNops from '@reqsign/nops';
import * as webNops from '@reqsign/nops/webcrypto';
import * as nopsDiagnose from '@reqsign/nops/diagnose';
import { describe, expect, it } from 'vitest';
import {
  clientFetch,
  hostile,
  lowByteTwin,
  mutate,
  near,
  nearValidOptions,
  options,
  retryOn503Entry,
  text,
  twinned,
  urlish,
} from './arbitraries.js';
import { draw, RUNS, replay, expectClean, fuzz, unfuzzedExports } from './harness.js';

const KEYS = new URL('../../../packages/nops/test/fixtures/keys/', import.meta.url);
const pem = (name: string): string => readFileSync(new URL(`${name}.pem`, KEYS), 'utf8');
const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

// 1024-bit keys for what is fuzzed often (an RSA-1024 sign is a fifth of an RSA-2048 one), 2048 now and then.
const PRIVATE = pem('rsa1024');
const PRIVATE_2048 = pem('rsa2048');
const keyObject = createPrivateKey(PRIVATE);
const jwk = keyObject.export({ format: 'jwk' }) as Record<string, string>;
const publicObject = createPublicKey(pem('rsa1024.pub'));
const publicJwk = publicObject.export({ format: 'jwk' }) as Record<string, string>;
const pkcs8Der = keyObject.export({ type: 'pkcs8', format: 'der' });
const [signKey, verifyKey, pssKey, sha512Key, hmacKey] = await Promise.all([
  webcrypto.subtle.importKey('pkcs8', pkcs8Der, ALG, false, ['sign']),
  webcrypto.subtle.importKey('spki', publicObject.export({ type: 'spki', format: 'der' }), ALG, true, ['verify']),
  webcrypto.subtle.importKey('pkcs8', pkcs8Der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']),
  webcrypto.subtle.importKey('pkcs8', pkcs8Der, { ...ALG, hash: 'SHA-512' }, true, ['sign']),
  webcrypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
]);

/** What must never show in an error: slices of the private keys' PEM bodies and of the JWK's private parts. */
const SECRETS = [PRIVATE, PRIVATE_2048, pem('rsa1024-pkcs1')]
  .flatMap((p) => p.split('\n').slice(2, 5))
  .concat(['d', 'p', 'q', 'dp', 'dq', 'qi'].map((f) => jwk[f]!.slice(8, 32)));

const API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
const DAY = '2022-01-10';
const apiKey = fc.oneof(
  { arbitrary: fc.constant(API_KEY), weight: 6 },
  { arbitrary: fc.constantFrom('nodot', '.x', '1.a b', ''), weight: 1 },
  text,
);
const zone = fc.constantFrom('UTC', 'Europe/Berlin', 'Pacific/Kiritimati', 'Nowhere/City', '', '+05:30');
const date = fc.oneof(fc.constantFrom(DAY, '2022-02-30', '2022-1-1', '0000-01-01', '9999-12-31'), fc.date({ noInvalidDate: false }), text);
const messageFields = {
  apiKey,
  date,
  timeZone: zone,
  apiKeyIn: fc.constantFrom('query', 'header', 'body'),
  trailingSlash: fc.constantFrom('add', 'reject', 'x'),
};
const url = fc.oneof(
  { arbitrary: fc.constantFrom('/nops_api/v1/billingGetTotal/', 'https://app.nops.io/c/admin/projectaws/?page=2'), weight: 2 },
  { arbitrary: urlish, weight: 5 },
);

/** A JWK field made wrong: another key's, zero, one, even, empty, not base64url, or very long (a huge modulus). */
const wrongField = fc.oneof(
  fc.constantFrom('AA', 'AQ', '', '!!', 'A'.repeat(3000), `${'_'.repeat(2900)}w`),
  fc.constantFrom(...Object.values(createPrivateKey(PRIVATE_2048).export({ format: 'jwk' }) as Record<string, string>)),
  fc.constantFrom(...Object.values(jwk)).map((v) => `${v.slice(0, -1)}A`),
  text,
);
const jwkVariant = fc
  .tuple(
    fc.subarray(['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'kty', 'alg'], { maxLength: 3 }),
    fc.array(wrongField, { minLength: 3, maxLength: 3 }),
  )
  .map(([fields, values]) => ({ ...jwk, ...Object.fromEntries(fields.map((f, i) => [f, values[i]])) }));
/** A PEM with its base64 changed here and there (a character, a line dropped, a label swapped). */
const pemVariant = (text: string) =>
  mutate(fc.constant(text)).chain((s) => fc.constantFrom(s, s.replace('PRIVATE KEY', 'PUBLIC KEY'), s.replace(/\n[^\n]*\n/, '\n')));

const privateKey = fc.oneof(
  { arbitrary: fc.constantFrom<unknown>(PRIVATE, pem('rsa1024-pkcs1'), jwk, keyObject, signKey), weight: 6 },
  { arbitrary: fc.constant(PRIVATE_2048), weight: 1 },
  {
    arbitrary: fc.constantFrom<unknown>(
      pem('rsa512'),
      pem('rsa17000'),
      pem('ec256'),
      pem('rsa1024.pub'),
      pem('rsa1024.enc'),
      pem('rsa2048.cert'),
      publicJwk,
      publicObject,
      verifyKey,
      pssKey,
      sha512Key,
      hmacKey,
    ),
    weight: 2,
  },
  { arbitrary: jwkVariant, weight: 3 },
  { arbitrary: pemVariant(PRIVATE), weight: 2 },
  { arbitrary: hostile, weight: 1 },
);
const publicKey = fc.oneof(
  { arbitrary: fc.constantFrom<unknown>(pem('rsa1024.pub'), pem('rsa1024-pkcs1.pub'), publicJwk, publicObject, verifyKey), weight: 6 },
  {
    arbitrary: fc.constantFrom<unknown>(
      pem('rsa2048.pub'),
      pem('rsa17000.pub'),
      pem('rsa16384.pub'),
      pem('ec256.pub'),
      PRIVATE,
      jwk,
      keyObject,
      signKey,
    ),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(fc.subarray(['n', 'e', 'kty', 'alg', 'd'], { maxLength: 2 }), fc.array(wrongField, { minLength: 2, maxLength: 2 }))
      .map(([fields, values]) => ({ ...publicJwk, ...Object.fromEntries(fields.map((f, i) => [f, values[i]])) })),
    weight: 2,
  },
  { arbitrary: pemVariant(pem('rsa1024.pub')), weight: 1 },
  { arbitrary: hostile, weight: 1 },
);

/** Requests signed with the 1024-bit key (sign is deterministic), in both key placements, to verify and diagnose. */
const SIGNED = await Promise.all(
  fc.sample(fc.tuple(url, fc.constantFrom('query', 'header')), { numRuns: 24, seed: 7 }).map(async ([u, apiKeyIn]) => {
    try {
      return await nodeNops.sign(u, { apiKey: API_KEY, date: DAY, apiKeyIn, privateKey: PRIVATE });
    } catch {
      return nodeNops.sign('/p/', { apiKey: API_KEY, date: DAY, apiKeyIn, privateKey: PRIVATE });
    }
  }),
);
const signed = fc.constantFrom(...SIGNED);
const verifyInput = fc.oneof(
  signed.map((s) => ({
    url: s.url,
    apiKey: API_KEY,
    date: DAY,
    ...(s.headers['x-nops-api-key'] === undefined ? {} : { apiKeyIn: 'header' }),
  })),
  fc
    .tuple(signed, mutate(signed.map((s) => s.url)))
    .map(([s, u]) => ({ url: u, apiKey: API_KEY, date: DAY, apiKeyIn: s.headers['x-nops-api-key'] === undefined ? 'query' : 'header' })),
  signed.map((s) => ({ message: s.message })),
  fc.record({ message: near(text) }),
  options({ url: near(urlish), ...messageFields }),
);
const signature = fc.oneof(
  { arbitrary: signed.map((s) => s.signature), weight: 4 },
  { arbitrary: mutate(signed.map((s) => s.signature)), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')), weight: 1 },
  { arbitrary: text, weight: 1 },
  // A digit replaced by a unit whose low byte is a digit (U+0141 for A), at any position: Node's decoder reads it so.
  { arbitrary: twinned(signed.map((s) => s.signature)), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 400 }), weight: 1 },
);

/** A header's value as a server framework gives it: absent, empty, the value, repeated (an array), or parsed. */
const headerValue = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: value, weight: 3 },
    { arbitrary: fc.constantFrom(undefined, null, ''), weight: 2 },
    { arbitrary: fc.array(fc.oneof(value, text), { maxLength: 3 }), weight: 2 },
    { arbitrary: mutate(value), weight: 1 },
    { arbitrary: hostile, weight: 1 },
  );

/** `ok` only for the signature the 1024- or 2048-bit key makes over the message (PKCS#1 v1.5 is deterministic). */
function checkVerified(value: unknown, input: readonly unknown[]): void {
  const r = value as { ok: boolean; signedMessage?: string };
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) return;
  const made = [PRIVATE, PRIVATE_2048].map((k) => rawSign('sha256', Buffer.from(r.signedMessage!), k).toString('base64'));
  expect(made).toContain(input[1]);
}

/** generateKeyPair options that fail before any key is made: an argument that is no object, or `bits` out of range. */
const failingKeygen = fc.oneof(
  hostile.filter((o) => o !== undefined && (typeof o !== 'object' || o === null)),
  fc.record({
    bits: fc.oneof(
      fc.integer({ min: -1, max: 1023 }),
      fc.integer({ min: 16385 }),
      fc.double(),
      fc.integer({ min: 128, max: 2047 }).map((k) => k * 8 + 1),
      hostile.filter((b) => b !== undefined),
    ),
  }),
);

for (const [name, nops] of [
  ['node', nodeNops],
  ['webcrypto', webNops],
] as const) {
  const ENTRIES: Record<
    string,
    {
      args: fc.Arbitrary<unknown[]>;
      call: (...a: unknown[]) => unknown;
      runs?: number;
      check?: (v: unknown, input: readonly unknown[]) => void;
      typed?: (err: unknown) => boolean;
    }
  > = {
    sign: {
      // Options that reach the key and the signing half of the time: most hostile ones stop at the first check.
      args: fc.tuple(
        near(url),
        fc.oneof(
          options({ ...messageFields, privateKey }),
          fc.record({ apiKey: fc.constant(API_KEY), date: fc.constant(DAY), privateKey }),
        ),
      ),
      call: (u, o) => nops.sign(u as string, o as never),
    },
    signWithCryptoKey: {
      args: fc.tuple(
        near(url),
        options({
          ...messageFields,
          privateKey: fc.oneof({ arbitrary: fc.constant(signKey), weight: 4 }, { arbitrary: privateKey, weight: 2 }),
        }),
      ),
      call: (u, o) => nops.signWithCryptoKey(u as string, o as never),
    },
    buildMessage: {
      args: fc.tuple(near(url), options(messageFields)),
      call: (u, o) => nops.buildMessage(u as string, o as never),
    },
    verify: {
      args: fc.tuple(near(verifyInput), near(signature), near(publicKey)),
      call: (i, s, k) => nops.verify(i as never, s as string, k as never),
      check: checkVerified,
    },
    // What a server hands verify from a request: its target, and the header values as a framework gives them
    // (absent, empty, repeated, parsed into something else). Only the caller's parts are fixed (its key, the day):
    // verify must resolve for every one of them, never reject.
    'verify (a request from the network)': {
      args: fc.tuple(
        fc.oneof(
          signed.map((s) => s.url),
          fc.string({ unit: 'binary', maxLength: 200 }),
          urlish,
        ),
        fc.constantFrom('query', 'header'),
        headerValue(signed.map((s) => s.signature)),
        headerValue(fc.constant(API_KEY)),
      ),
      call: (url, apiKeyIn, sig, keyHeader) =>
        nops.verify(
          { url: url as string, apiKey: apiKeyIn === 'header' ? (keyHeader as string) : API_KEY, date: DAY, apiKeyIn: apiKeyIn as 'query' },
          sig as string,
          pem('rsa1024.pub'),
        ),
      // A rejection of any kind is a finding here: nothing in these inputs is the caller's to get wrong.
      typed: () => false,
      check: (v, input) => checkVerified(v, [undefined, input[2]]),
    },
    generateKeyPair: {
      args: fc.tuple(failingKeygen),
      call: (o) => nops.generateKeyPair(o as never),
      check: () => expect.unreachable('no key is made from these options'),
    },
    // Key generation for real, at the smallest size (a 1024-bit key takes some 20-80 ms): a few runs, not RUNS.
    'generateKeyPair(1024)': {
      args: fc.tuple(fc.constant({ bits: 1024 })),
      call: (o) => nops.generateKeyPair(o as never),
      runs: Math.max(1, Math.ceil(RUNS / 1000)),
      check: (v) => expect((v as { publicKey: string }).publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/),
    },
    createNopsFetch: {
      // Options, URL and init that reach a real request most of the time (a server that answers anything), each option
      // made wrong one at a time, and now and then anything at all.
      args: fc.tuple(
        nearValidOptions(
          {
            apiKey: fc.constantFrom<unknown>(API_KEY, () => API_KEY),
            privateKey: fc.oneof(
              { arbitrary: fc.constantFrom<unknown>(PRIVATE, pem('rsa1024-pkcs1'), jwk, keyObject, () => PRIVATE), weight: 4 },
              { arbitrary: privateKey, weight: 1 },
            ),
            fetch: clientFetch,
          },
          {
            // The origin of the URLs below: another one is ERR_NOPS_ORIGIN (the wide options draw those).
            baseUrl: fc.constantFrom('https://app.nops.io', 'https://app.nops.io/nops_api/'),
            apiKeyIn: fc.constantFrom('query', 'header'),
            timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Pacific/Kiritimati'),
            trailingSlash: fc.constantFrom('add', 'reject'),
            clockOffset: fc.integer({ min: -1e9, max: 1e9 }),
            correctClock: fc.boolean(),
            retry: fc.constant(nops.retryOn503({ attempts: 3, maxDelayMs: 0 })),
          },
          {
            apiKey,
            privateKey,
            baseUrl: fc.oneof(fc.constantFrom('https://app.nops.io', 'http://[::1]:8080/api/', 'relative/', ''), text),
            fetch: clientFetch,
            apiKeyIn: fc.constantFrom('query', 'header', 'x'),
            timeZone: zone,
            trailingSlash: fc.constantFrom('add', 'reject', 'x'),
            clockOffset: fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double()),
            correctClock: fc.boolean(),
            retry: fc.constant(nops.retryOn503({ attempts: 3, maxDelayMs: 0 })),
          },
        ),
        fc.oneof(
          {
            arbitrary: fc.constantFrom(
              'https://app.nops.io/nops_api/v1/billingGetTotal/',
              'https://app.nops.io/c/?page=2',
              'https://app.nops.io/p/?a=1&b=2',
            ),
            weight: 7,
          },
          { arbitrary: fc.constant('/nops_api/v1/x/'), weight: 1 },
          {
            arbitrary: fc
              .constantFrom('GET', 'POST')
              .map((m) => new Request('https://app.nops.io/p/', { method: m, ...(m === 'POST' ? { body: 'x' } : {}) })),
            weight: 1,
          },
          { arbitrary: url, weight: 1 },
          { arbitrary: hostile, weight: 1 },
        ),
        fc.oneof(
          { arbitrary: fc.constantFrom(undefined, { method: 'GET' }, { method: 'POST', body: 'x' }), weight: 8 },
          {
            arbitrary: near(
              fc.record(
                { method: near(fc.constantFrom('GET', 'POST', 'bad method')), headers: near(fc.dictionary(fc.string(), fc.string())) },
                { requiredKeys: [] },
              ),
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
        return nops.createNopsFetch(withFetch as never)(input as string, init as never);
      },
    },
    retryOn503: retryOn503Entry(nops.retryOn503 as never, () => new nops.NopsError('ERR_INVALID_ARGUMENT', 'aborted by the fuzz run')),
  };

  describe(`@reqsign/nops (${name})`, () => {
    it('has an entry for every exported function', () => {
      expect(unfuzzedExports(nops, Object.keys(ENTRIES), ['NopsError', 'ReqsignError', 'CanonicalError'])).toEqual([]);
    });

    for (const [entry, { args, call, runs, check, typed }] of Object.entries(ENTRIES)) {
      it(`${entry}: answers, or fails with a typed error that carries no secret, for any input`, async () => {
        expectClean(
          await fuzz(`nops(${name}).${entry}`, args, call, {
            secrets: SECRETS,
            ...(runs === undefined ? {} : { runs }),
            ...(check === undefined ? {} : { check }),
            ...(typed === undefined ? {} : { typed }),
          }),
        );
      });
    }
  });
}

describe('@reqsign/nops: the two builds', () => {
  it('give the same answer to every signature string (the same code, or the same result)', async () => {
    // The message each signature was made over, and signatures near it: real, edited, with low-byte twins, any UTF-16.
    const cases = draw(
      fc.tuple(
        signed,
        fc.oneof(
          signature,
          signed.map((s) => s.signature),
          fc.tuple(signed, fc.nat(), lowByteTwin).map(([s, at, c]) => {
            const i = at % s.signature.length;
            return s.signature.slice(0, i) + c + s.signature.slice(i + 1);
          }),
        ),
      ),
      Math.ceil(RUNS / 4),
    );
    const outcome = async (p: Promise<{ ok: boolean; code?: string }>) =>
      p.then(
        (r) => (r.ok ? 'ok' : r.code),
        (e: { code?: string }) => `threw ${e.code}`,
      );
    const differ: string[] = [];
    let ok = 0;
    for (const {
      value: [s, sig],
      seed,
    } of cases) {
      const key = pem('rsa1024.pub');
      const [a, b] = await Promise.all([
        outcome(nodeNops.verify({ message: s.message }, sig as string, key)),
        outcome(webNops.verify({ message: s.message }, sig as string, key)),
      ]);
      if (a === 'ok') ok++;
      if (a !== b && differ.length < 4) differ.push(`${JSON.stringify(sig)}: node ${a}, webcrypto ${b} (${replay(seed)})`);
    }
    expect(differ).toEqual([]);
    // The real signatures were among the inputs: the comparison reached the RSA step.
    expect(ok).toBeGreaterThan(0);
  });
});

describe('@reqsign/nops/diagnose', () => {
  it('has an entry for every exported function', () => {
    expect(unfuzzedExports(nopsDiagnose, ['diagnose'])).toEqual([]);
  });

  it('diagnose: answers, or fails with a typed error that carries no secret, for any input', async () => {
    const diagnoseOptions = options({
      expectedUrl: fc.oneof(
        signed.map((s) => s.url),
        urlish,
      ),
      otherKeys: fc.dictionary(text, publicKey, { maxKeys: 2 }),
      origins: fc.array(fc.oneof(fc.constantFrom('https://app.nops.io', 'http://h.example:8080'), text), { maxLength: 3 }),
      prefixes: fc.array(fc.oneof(fc.constant('/api'), text), { maxLength: 3 }),
    });
    expectClean(
      await fuzz(
        'nops.diagnose',
        fc.tuple(near(verifyInput), near(signature), near(publicKey), diagnoseOptions),
        (i, s, k, o) => nopsDiagnose.diagnose(i as never, s as string, k as never, o as never),
        // A diagnosis verifies up to a few dozen hypotheses (each an RSA verify) and opens the signature in BigInt: about
        // 1.5 ms an input, so a tenth of RUNS (1,000 at the default) keeps this file near 20 s.
        { secrets: SECRETS, runs: Math.ceil(RUNS / 10) },
      ),
    );
  });
});
