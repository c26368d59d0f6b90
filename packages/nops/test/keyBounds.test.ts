import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as nodeDiagnose from '../src/diagnose/node.js';
import * as webDiagnose from '../src/diagnose/index.js';
import { NopsError } from '../src/node.js';
import type { RsaJwk } from '../src/types.js';
import { DOC_KEY, builds, keyPath, opensslVerify, pem } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

const DIAGNOSE: Readonly<Record<string, typeof nodeDiagnose.diagnose>> = {
  'node:crypto': nodeDiagnose.diagnose,
  WebCrypto: webDiagnose.diagnose,
};
const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const base = { apiKey: DOC_KEY, date: '2022-01-10' };
const URL_ = 'https://app.nops.io/nops_api/v1/billingGetTotal/';
const RECEIVED = { url: `${URL_}?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
const BOUND = 'must have 1024 to 16384 bits';

/** Every form a private key is given in: PKCS#8 and PKCS#1 PEM, JWK, KeyObject, CryptoKey. */
async function privateForms(name: string): Promise<Record<string, unknown>> {
  const key = createPrivateKey(pem(name));
  return {
    pkcs8: pem(name),
    pkcs1: key.export({ type: 'pkcs1', format: 'pem' }),
    jwk: key.export({ format: 'jwk' }),
    keyObject: key,
    cryptoKey: await webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), ALG, false, ['sign']),
  };
}

/** The same for a public key: SPKI and PKCS#1 PEM, JWK, KeyObject, CryptoKey. */
async function publicForms(name: string): Promise<Record<string, unknown>> {
  const key = createPublicKey(pem(name));
  return {
    spki: pem(name),
    pkcs1: key.export({ type: 'pkcs1', format: 'pem' }),
    jwk: key.export({ format: 'jwk' }),
    keyObject: key,
    cryptoKey: await webcrypto.subtle.importKey('spki', key.export({ type: 'spki', format: 'der' }), ALG, true, ['verify']),
  };
}

async function errorOf(p: Promise<unknown>): Promise<NopsError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(NopsError);
    return err as NopsError;
  }
  throw new Error('no error');
}

// rsa17000 and rsa16384 were made once by openssl (fixtures/keys/README.md): each takes minutes to generate.
describe('the RSA modulus bound: 1024 to 16384 bits', async () => {
  const [private17000, public17000, public16384] = await Promise.all([
    privateForms('rsa17000'),
    publicForms('rsa17000.pub'),
    publicForms('rsa16384.pub'),
  ]);

  for (const [name, build] of builds) {
    it(`${name}: refuses a 17000-bit private key in every form, to sign, signWithCryptoKey and createNopsFetch`, async () => {
      for (const [form, privateKey] of Object.entries(private17000)) {
        const err = await errorOf(build.sign(URL_, { ...base, privateKey: privateKey as never }));
        expect([form, err.code, err.message]).toEqual([form, 'ERR_NOPS_KEY', `privateKey ${BOUND}`]);
      }
      const err = await errorOf(build.signWithCryptoKey(URL_, { ...base, privateKey: private17000.cryptoKey as never }));
      expect([err.code, err.message]).toEqual(['ERR_NOPS_KEY', `privateKey ${BOUND}`]);
      let sent = 0;
      // Refused when the fetch is made where the import is synchronous (node:crypto), else at the first request.
      let refused: { code?: unknown };
      try {
        const fetch = build.createNopsFetch({
          apiKey: DOC_KEY,
          privateKey: private17000.pkcs8 as string,
          fetch: async () => {
            sent++;
            return new Response('ok');
          },
        });
        refused = await errorOf(fetch('/p/'));
      } catch (err) {
        refused = err as { code?: unknown };
      }
      expect(refused.code).toBe('ERR_NOPS_KEY');
      expect(sent).toBe(0);
    });

    it(`${name}: refuses a 17000-bit public key in every form, to verify and to diagnose`, async () => {
      const signature = (await build.sign(URL_, { ...base, privateKey: pem('rsa2048') })).signature;
      const otherSignature = (await build.sign(URL_, { ...base, privateKey: pem('other2048') })).signature;
      for (const [form, publicKey] of Object.entries(public17000)) {
        const err = await errorOf(build.verify(RECEIVED, signature, publicKey as never));
        expect([form, err.code, err.message]).toEqual([form, 'ERR_NOPS_KEY', `publicKey ${BOUND}`]);
        expect((await errorOf(DIAGNOSE[name]!(RECEIVED, signature, publicKey as never))).code).toBe('ERR_NOPS_KEY');
        // Another key's signature: diagnose tries the other keys it is given.
        const other = DIAGNOSE[name]!(RECEIVED, otherSignature, pem('rsa2048.pub'), { otherKeys: { big: publicKey as never } });
        expect((await errorOf(other)).code).toBe('ERR_NOPS_KEY');
      }
    });

    it(`${name}: takes exactly 16384 bits, to sign and to verify, and the signature is what openssl verifies`, async () => {
      const signed = await build.sign(URL_, { ...base, privateKey: pem('rsa16384') });
      expect(opensslVerify(keyPath('rsa16384.pub'), Buffer.from(signed.message), signed.signature)).toBe(true);
      const cryptoKey = await webcrypto.subtle.importKey(
        'pkcs8',
        createPrivateKey(pem('rsa16384')).export({ type: 'pkcs8', format: 'der' }),
        ALG,
        false,
        ['sign'],
      );
      const viaCryptoKey = await build.signWithCryptoKey(URL_, { ...base, privateKey: cryptoKey as never });
      // RSASSA-PKCS1-v1_5 is deterministic.
      expect(viaCryptoKey.signature).toBe(signed.signature);
      for (const [form, publicKey] of Object.entries(public16384)) {
        expect(await build.verify(RECEIVED, signed.signature, publicKey as never), form).toEqual({
          ok: true,
          signedMessage: signed.message,
        });
      }
    });

    it(`${name}: verify and diagnose refuse an exponent that would cost seconds (a 16384-bit n and e): ERR_NOPS_KEY`, async () => {
      const jwk = public16384.jwk as RsaJwk as { n: string };
      // An odd exponent as long as the modulus: OpenSSL refuses it, and s^e mod n in BigInt would take some 6 s. The
      // key rule (e one of 3, 17, 37, 65537) refuses it before either.
      const e = Buffer.from(jwk.n, 'base64url');
      e[e.length - 1]! |= 1;
      e[0] = 0x7f;
      const publicKey = { kty: 'RSA', n: jwk.n, e: e.toString('base64url') };
      const signature = Buffer.alloc(2048, 1).toString('base64');
      expect((await errorOf(build.verify(RECEIVED, signature, publicKey))).code).toBe('ERR_NOPS_KEY');
      expect((await errorOf(DIAGNOSE[name]!(RECEIVED, signature, publicKey))).code).toBe('ERR_NOPS_KEY');
    });
  }
});

describe('a private key whose parts do not belong together', () => {
  const jwk = createPrivateKey(pem('rsa2048')).export({ format: 'jwk' }) as Record<string, string>;
  const even = (s: string): string => `${s.slice(0, -1)}A`;
  // Each makes OpenSSL fail (ERR_OSSL_BN_NO_INVERSE, ERR_OSSL_RSA_LIB) and WebCrypto reject with a bare DOMException.
  const broken: Record<string, Record<string, string>> = {
    'an even n': { ...jwk, n: even(jwk.n!) },
    'an even p': { ...jwk, p: even(jwk.p!) },
    'an even q': { ...jwk, q: even(jwk.q!) },
    'p = 0': { ...jwk, p: 'AA' },
  };
  const secrets = (k: Record<string, string>) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((f) => k[f]!.slice(0, 24));

  /** Every text an error carries, its causes' included. */
  const texts = (err: unknown): string[] =>
    err instanceof Error ? [err.message, String(err.stack), ...texts((err as { cause?: unknown }).cause)] : [];

  for (const [name, build] of builds) {
    it(`${name}: sign, signWithCryptoKey and createNopsFetch throw ERR_NOPS_KEY, with no key material and no provider error`, async () => {
      for (const [what, key] of Object.entries(broken)) {
        const object: KeyObject = createPrivateKey({ key, format: 'jwk' });
        const forms = {
          jwk: key,
          pkcs1: object.export({ type: 'pkcs1', format: 'pem' }),
          pkcs8: object.export({ type: 'pkcs8', format: 'pem' }),
          keyObject: object,
          cryptoKey: await webcrypto.subtle.importKey('jwk', key, ALG, false, ['sign']),
        };
        const errors: NopsError[] = [];
        for (const privateKey of Object.values(forms))
          errors.push(await errorOf(build.sign(URL_, { ...base, privateKey: privateKey as never })));
        errors.push(await errorOf(build.signWithCryptoKey(URL_, { ...base, privateKey: forms.cryptoKey as never })));
        // The key's numbers are read when the fetch is made (so it may throw there), else at the first request.
        const send = async () =>
          build.createNopsFetch({ apiKey: DOC_KEY, privateKey: key as RsaJwk, fetch: async () => new Response('sent') })('/p/');
        errors.push(await errorOf(send()));
        for (const err of errors) {
          expect([what, err.code, err.cause]).toEqual([what, 'ERR_NOPS_KEY', undefined]);
          expect(err.message).toMatch(
            /^privateKey (could not sign \(an inconsistent RSA key\)|is no valid RSA key: n must be odd, e one of 3, 17, 37, 65537|is a JWK with a parameter not in unpadded base64url of the fewest octets)$/,
          );
          for (const secret of secrets(key)) expect(texts(err).join('\n')).not.toContain(secret);
        }
      }
    });
  }
});

// What the fuzz suite (tests/fuzz/test/nops.test.ts) found.
describe('fuzz findings', () => {
  for (const [name, build] of builds) {
    it(`${name}: generateKeyPair({ bits: null }) is ERR_INVALID_ARGUMENT, not a 2048-bit key`, async () => {
      expect((await errorOf(build.generateKeyPair({ bits: null as never }))).code).toBe('ERR_INVALID_ARGUMENT');
    });

    it(`${name}: createNopsFetch answers an init that does not fit with ERR_INVALID_ARGUMENT, and sends nothing`, async () => {
      let sent = 0;
      const fetch = build.createNopsFetch({
        apiKey: DOC_KEY,
        privateKey: pem('rsa1024'),
        fetch: async () => {
          sent++;
          return new Response('ok');
        },
      });
      const request = new Request('https://app.nops.io/p/');
      for (const [input, init] of [
        [request, { body: 'x' }],
        [request, { headers: [[]] }],
        ['/p/', { headers: { '': 'x' } }],
        ['/p/', { headers: [['a']] }],
      ] as const) {
        expect((await errorOf(fetch(input, init as never))).code).toBe('ERR_INVALID_ARGUMENT');
      }
      expect(sent).toBe(0);
    });

    it(`${name}: verify and diagnose read no array-like signature (one took 42 s): a failure of the request, at once`, async () => {
      const bad = { url: '/p/\u0000?api_key=x', apiKey: DOC_KEY, date: '2022-01-10' };
      const good = { url: `/p/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
      const signature = { length: 1e9 } as never;
      expect(await build.verify(bad, signature, pem('rsa1024.pub'))).toMatchObject({ ok: false, code: 'ERR_TARGET_CHARACTER' });
      expect(await build.verify(good, signature, pem('rsa1024.pub'))).toMatchObject({ ok: false, code: 'ERR_NOPS_SIGNATURE_ENCODING' });
      expect(await DIAGNOSE[name]!(good, signature, pem('rsa1024.pub'))).toMatchObject({
        valid: false,
        code: 'ERR_NOPS_SIGNATURE_ENCODING',
      });
    });
  }
});
