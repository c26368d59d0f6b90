import { createPrivateKey, webcrypto } from 'node:crypto';
import { build as esbuild } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builds, DOC_KEY, pem } from './helpers.js';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** A PEM key imported as WebCrypto holds it: a non-extractable CryptoKey. */
async function cryptoKey(name: string, usages: KeyUsage[] = ['sign'], algorithm: RsaHashedImportParams = RSA): Promise<CryptoKey> {
  const der = createPrivateKey(pem(name)).export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, algorithm, false, usages) as Promise<CryptoKey>;
}

describe.each(builds)('signWithCryptoKey (%s)', (_name, build) => {
  it('gives exactly what sign gives for the same key as PEM, for any request', async () => {
    const key = await cryptoKey('rsa2048');
    const path = fc.stringMatching(/^\/[a-z0-9/._~-]{0,30}$/);
    await fc.assert(
      fc.asyncProperty(
        path,
        fc.constantFrom('query', 'header' as const),
        fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
        async (p, apiKeyIn, date) => {
          const options = { apiKey: DOC_KEY, date, apiKeyIn };
          expect(await build.signWithCryptoKey(`https://app.nops.io${p}`, { ...options, privateKey: key })).toEqual(
            await build.sign(`https://app.nops.io${p}`, { ...options, privateKey: pem('rsa2048') }),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('takes only a CryptoKey: PEM, JWK and KeyObject keys are ERR_INVALID_ARGUMENT', async () => {
    for (const privateKey of [
      pem('rsa2048'),
      createPrivateKey(pem('rsa2048')),
      createPrivateKey(pem('rsa2048')).export({ format: 'jwk' }),
      null,
      42,
    ]) {
      await expect(build.signWithCryptoKey('/p/', { apiKey: DOC_KEY, privateKey: privateKey as never })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
  });

  it('refuses a CryptoKey it cannot sign with as ERR_NOPS_KEY: public, without "sign", another algorithm, too small', async () => {
    const pair = (await webcrypto.subtle.generateKey({ ...RSA, modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]) }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const small = (await webcrypto.subtle.generateKey({ ...RSA, modulusLength: 512, publicExponent: new Uint8Array([1, 0, 1]) }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const cases: Array<[CryptoKey, RegExp]> = [
      [pair.publicKey, /is a public CryptoKey/],
      [await cryptoKey('rsa2048', ['decrypt'], { name: 'RSA-OAEP', hash: 'SHA-256' }), /not for RSASSA-PKCS1-v1_5 with SHA-256/],
      [await cryptoKey('rsa2048', ['sign'], { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }), /not for RSASSA-PKCS1-v1_5 with SHA-256/],
      [small.privateKey, /must have 1024 to 16384 bits/],
    ];
    for (const [key, message] of cases) {
      await expect(build.signWithCryptoKey('/p/', { apiKey: DOC_KEY, privateKey: key })).rejects.toMatchObject({
        code: 'ERR_NOPS_KEY',
        message: expect.stringMatching(message),
      });
    }
    // The request is checked as sign checks it, before the key.
    await expect(
      build.signWithCryptoKey('/p', { apiKey: DOC_KEY, privateKey: pair.privateKey, trailingSlash: 'reject' }),
    ).rejects.toMatchObject({ code: 'ERR_NOPS_TRAILING_SLASH' });
    expect(await build.signWithCryptoKey('/p/', { apiKey: DOC_KEY, privateKey: pair.privateKey })).toMatchObject({
      target: `/p/?api_key=${DOC_KEY}`,
    });
  });
});

describe('signWithCryptoKey in a browser bundle', () => {
  it('carries no key import code: no PEM, DER, JWK or KeyObject handling', async () => {
    const r = await esbuild({
      stdin: {
        contents: "export { signWithCryptoKey } from './src/index.ts';",
        resolveDir: new URL('..', import.meta.url).pathname,
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      metafile: true,
      logLevel: 'silent',
    });
    const code = r.outputFiles[0]!.text;
    // Markers of key import: the WebCrypto import call, PEM labels, DER / JWK formats and fields, a KeyObject export.
    for (const marker of [/importKey/, /BEGIN [A-Z ]*KEY/, /"(pkcs8|spki|jwk)"/, /\bkty\b/, /format:/])
      expect(code, String(marker)).not.toMatch(marker);
    // The modules that put code into the bundle: none of key import's, none of the fetch's.
    const used = Object.entries(Object.values(r.metafile.outputs)[0]!.inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([name]) => name);
    expect(used.filter((i) => /pem|der|keyCache|fetch|nodecrypto/.test(i))).toEqual([]);
    expect(used.some((i) => i.endsWith('signWithCryptoKey.ts'))).toBe(true);
    expect(code).toMatch(/RSASSA-PKCS1-v1_5/);
  });
});
