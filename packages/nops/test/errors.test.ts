/**
 * One error family per import: every error a function of @reqsign/nops throws is a ReqsignError imported from
 * @reqsign/nops itself, with a code in NopsErrorCode (NOPS_ERROR_CODES); every code listed is reached here, or is
 * one that verify only ever resolves to.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOPS_ERROR_CODES } from '../src/errors.js';
import { DOC_KEY, builds, pem } from './helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe.each(builds)('the errors of @reqsign/nops (%s)', (_name, build) => {
  const { ReqsignError, CanonicalError, NopsError } = build;

  it('are ReqsignErrors from the package itself, each code in NOPS_ERROR_CODES, and every listed code is reached', async () => {
    const reached = new Set<string>();
    const reach = async (call: () => unknown, code: string) => {
      let error: unknown;
      try {
        await call();
      } catch (err) {
        error = err;
      }
      expect(error, code).toBeInstanceOf(ReqsignError);
      const got = (error as InstanceType<typeof ReqsignError>).code;
      expect(got).toBe(code);
      expect(NOPS_ERROR_CODES).toContain(got);
      reached.add(got);
    };
    const base = { apiKey: DOC_KEY, date: '2022-01-10', privateKey: pem('rsa1024') };
    const sign =
      (url: string, o: object = {}) =>
      () =>
        build.sign(url, { ...base, ...o } as never);
    await reach(sign('/p/', { apiKeyIn: 'body' }), 'ERR_INVALID_ARGUMENT');
    await reach(sign('/p/', { apiKey: 'nodot' }), 'ERR_NOPS_API_KEY');
    await reach(sign('/p/?api_key=1'), 'ERR_NOPS_API_KEY_PARAM');
    await reach(sign('/p', { trailingSlash: 'reject' }), 'ERR_NOPS_TRAILING_SLASH');
    await reach(sign('/p/', { timeZone: 'UTC' }), 'ERR_NOPS_DATE');
    await reach(sign('/p/', { privateKey: pem('ec256') }), 'ERR_NOPS_KEY');
    await reach(() => build.generateKeyPair({ bits: 1000 }), 'ERR_NOPS_KEY_SIZE');
    await reach(
      () =>
        build.createNopsFetch({ apiKey: base.apiKey, privateKey: base.privateKey, fetch: async () => new Response() })(
          'https://evil.example/p/',
        ),
      'ERR_NOPS_ORIGIN',
    );
    await reach(
      () =>
        build.createNopsFetch({
          apiKey: base.apiKey,
          privateKey: () => {
            throw new Error('the vault is down');
          },
          fetch: async () => new Response(),
        })('/p/'),
      'ERR_KEY_PROVIDER',
    );
    await reach(sign(''), 'ERR_TARGET_EMPTY');
    await reach(sign(`/${'a'.repeat(20_000)}/`), 'ERR_TARGET_TOO_LONG');
    await reach(sign('/p q/'), 'ERR_TARGET_CHARACTER');
    await reach(sign('ftp://h/p/'), 'ERR_TARGET_SCHEME');
    await reach(sign('p/'), 'ERR_TARGET_FORM');
    await reach(sign('https:///p/'), 'ERR_TARGET_HOST');
    await reach(sign('/p/', { date: '2022-1-10' }), 'ERR_DATE_FORMAT');
    await reach(sign('/p/', { date: '2022-02-30' }), 'ERR_DATE_RANGE');
    await reach(sign('/p/', { date: new Date(0), timeZone: 'Nowhere/City' }), 'ERR_TIME_ZONE');
    // WebCrypto absent (a page over plain http): the portable build says so; the node build needs none.
    if (_name === 'WebCrypto') {
      vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => b, subtle: undefined });
      await reach(sign('/p/', { privateKey: pem('rsa2048') }), 'ERR_CRYPTO_UNAVAILABLE');
      vi.unstubAllGlobals();
    } else {
      reached.add('ERR_CRYPTO_UNAVAILABLE');
    }
    // Results only: verify resolves to them (verifyRequest.test.ts, signatureEncoding.test.ts), never throws them.
    const resultsOnly = ['ERR_NOPS_SIGNATURE_ENCODING', 'ERR_NOPS_SIGNATURE_MISSING'];
    const pub = pem('rsa1024.pub');
    expect(await build.verify({ message: 'm' }, 'QQ', pub)).toMatchObject({ ok: false, code: 'ERR_NOPS_SIGNATURE_ENCODING' });
    expect(await build.verify({ message: 'm' }, undefined, pub)).toMatchObject({ ok: false, code: 'ERR_NOPS_SIGNATURE_MISSING' });
    expect(NOPS_ERROR_CODES.filter((c) => !reached.has(c) && !resultsOnly.includes(c))).toEqual([]);
  });

  it('carries each code on the class that throws it, all caught by the one ReqsignError the package exports', async () => {
    const caught = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable('no error'),
        (e: unknown) => e,
      );
    const base = { apiKey: DOC_KEY, date: '2022-01-10', privateKey: pem('rsa1024') };
    expect(await caught(build.sign('ftp://h/p/', base))).toBeInstanceOf(CanonicalError);
    expect(await caught(build.sign('/p/', { ...base, apiKey: 'x' }))).toBeInstanceOf(NopsError);
    const canonical = await import('@reqsign/canonical');
    expect(ReqsignError).toBe(canonical.ReqsignError);
    expect(CanonicalError).toBe(canonical.CanonicalError);
  });
});
