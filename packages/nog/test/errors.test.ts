/**
 * One error family per import: every error a function of @reqsign/nog throws is a ReqsignError imported from
 * @reqsign/nog itself, with a code in NogErrorCode (NOG_ERROR_CODES); every code listed is reached here or is a
 * verification result (never thrown).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diagnose } from '../src/diagnose/index.js';
import { NOG_ERROR_CODES } from '../src/errors.js';
import * as web from '../src/index.js';
import { DATE_MS, KEY, KEYS, node } from './helpers.js';

const { ReqsignError, CanonicalError, NogError, NonceStoreError } = web;

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The error of a call (sync or async), checked to be a ReqsignError of this package's export with a listed code. */
async function thrown(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (err) {
    expect(err).toBeInstanceOf(ReqsignError);
    const { code } = err as InstanceType<typeof ReqsignError>;
    expect(NOG_ERROR_CODES, `${code} is not in NOG_ERROR_CODES`).toContain(code);
    return code;
  }
  return expect.unreachable('no error');
}

describe('the errors of @reqsign/nog', () => {
  it('are ReqsignErrors from the package itself, each code in NOG_ERROR_CODES, and every listed code is reached', async () => {
    const reached = new Set<string>();
    const reach = async (call: () => unknown, code: string) => {
      const got = await thrown(call);
      expect(got).toBe(code);
      reached.add(got);
    };
    const s =
      (url: string, options?: object, method = 'GET', key: object = KEY) =>
      () =>
        web.sign(method, url, key as never, options as never);
    // sign: its own codes, and canonical's target and date codes, as CanonicalError.
    await reach(s('/p', { expire: 1 }), 'ERR_INVALID_ARGUMENT');
    await reach(s('/p', { maxUrlLength: 0 }), 'ERR_OPTION_RANGE');
    await reach(s('/p', {}, 'G T'), 'ERR_SIGN_METHOD');
    await reach(s('/p', {}, 'GET', { id: 'a b', secret: 's' }), 'ERR_SIGN_KEY');
    await reach(s('/p', { expires: -1 }), 'ERR_SIGN_EXPIRES');
    await reach(s('/p', { nonce: 'a b' }), 'ERR_SIGN_NONCE');
    await reach(s('/p?authdate=1'), 'ERR_SIGN_AUTH_PARAMETER');
    await reach(s(''), 'ERR_TARGET_EMPTY');
    await reach(s('/p', { maxUrlLength: 10 }), 'ERR_TARGET_TOO_LONG');
    await reach(s('/p q'), 'ERR_TARGET_CHARACTER');
    await reach(s('ftp://h/p'), 'ERR_TARGET_SCHEME');
    await reach(s('p'), 'ERR_TARGET_FORM');
    await reach(s('https:///p'), 'ERR_TARGET_HOST');
    await reach(s('/p', { date: '2015-04-20' }), 'ERR_DATE_FORMAT');
    await reach(s('/p', { date: '2015-02-30T000000Z' }), 'ERR_DATE_RANGE');
    // The verifier and its store.
    await reach(() => web.createVerifier({ keys: KEYS, now: () => Number.NaN }).verify('GET', '/p'), 'ERR_CLOCK_INVALID');
    const full = new web.MemoryNonceStore({ maxEntries: 1 });
    const claim = (nonce: string, now: number) => ({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce, expiresAt: now + 60_000, now });
    full.claim(claim('a', DATE_MS));
    await reach(() => full.claim(claim('b', DATE_MS)), 'ERR_NONCE_STORE_FULL');
    // 200 years after the first claim: outside the 136 years a store counts in 32 bits of seconds.
    await reach(() => full.claim(claim('c', DATE_MS + 200 * 365 * 86_400_000)), 'ERR_NONCE_STORE_UNAVAILABLE');
    await reach(() => diagnose('GET', '/p', { keys: KEYS, origins: ['https://h/p'] }), 'ERR_OPTION_RANGE');
    // The signing client: a key provider that throws.
    await reach(
      () =>
        web.createNogFetch({
          key: () => {
            throw new Error('the vault is down');
          },
          fetch: async () => new Response(),
        })('https://h.example/p'),
      'ERR_KEY_PROVIDER',
    );
    // Never thrown: the cause of a 503 whose key lookup did not answer in time (verify.test.ts).
    const slow = await web
      .createVerifier({ keys: () => new Promise<string>(() => {}), keyLookupTimeoutMs: 1 })
      .verify('GET', (await web.sign('GET', '/p', KEY)).url);
    expect(slow).toMatchObject({ ok: false, code: 'ERR_AUTH_KEY_LOOKUP', cause: { code: 'ERR_KEY_LOOKUP_TIMEOUT' } });
    reached.add('ERR_KEY_LOOKUP_TIMEOUT');
    // The WebCrypto build without crypto.subtle (a page over plain http).
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => real.getRandomValues(b), subtle: undefined });
    await reach(s('/p', { date: DATE_MS }, 'GET', { id: 'fresh', secret: 'a secret not imported before' }), 'ERR_CRYPTO_UNAVAILABLE');
    vi.unstubAllGlobals();

    // The verification codes are results, never thrown (verify.test.ts and the vectors reach each one).
    const results = new Set(NOG_ERROR_CODES.filter((c) => c.startsWith('ERR_AUTH_')));
    expect([...results].sort()).toEqual(
      [
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
        'ERR_AUTH_KEY_LOOKUP',
      ].sort(),
    );
    expect(NOG_ERROR_CODES.filter((c) => !reached.has(c) && !results.has(c))).toEqual([]);
  });

  it('carries each code on the class that throws it, all caught by the one ReqsignError the package exports', async () => {
    const caught = async (call: () => unknown) =>
      call().then(
        () => expect.unreachable('no error'),
        (e: unknown) => e,
      );
    expect(await caught(() => node.sign('GET', 'ftp://h/p', KEY))).toBeInstanceOf(CanonicalError);
    expect(await caught(() => node.sign('GET', '/p', KEY, { expires: -1 }))).toBeInstanceOf(NogError);
    const store = new web.MemoryNonceStore({ maxEntries: 1 });
    store.claim({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce: 'a', expiresAt: DATE_MS + 1, now: DATE_MS });
    expect(() => store.claim({ keyId: 'k', authdate: '2015-04-20T123456Z', nonce: 'b', expiresAt: DATE_MS + 1, now: DATE_MS })).toThrow(
      NonceStoreError,
    );
    // The same classes as canonical's: an error from any reqsign package is one of them.
    const canonical = await import('@reqsign/canonical');
    expect(ReqsignError).toBe(canonical.ReqsignError);
    expect(CanonicalError).toBe(canonical.CanonicalError);
    expect(node.ReqsignError).toBe(ReqsignError);
  });
});
