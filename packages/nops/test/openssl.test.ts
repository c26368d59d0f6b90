import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiKey, apiKeyIn, url } from './arbitraries.js';
import { builds, keyPath, opensslSign, opensslVerify, pem, withTempDir, outcomeOf } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

// Differential tests against openssl, an independent implementation of RSASSA-PKCS1-v1_5 / SHA-256.
const keys = ['rsa1024', 'rsa2048'] as const;

describe.each(builds)('against openssl (%s)', (_name, build) => {
  it('our signatures equal `openssl dgst -sha256 -sign` over random requests', async () => {
    await fc.assert(
      fc.asyncProperty(url, apiKey, apiKeyIn, fc.constantFrom(...keys), async (u, k, where, key) => {
        const s = await build.sign(u, { apiKey: k, date: '2023-06-30', apiKeyIn: where, privateKey: pem(key) });
        expect(s.signature).toBe(opensslSign(keyPath(key), Buffer.from(s.message, 'utf8')));
      }),
      { numRuns: 25 },
    );
  });

  it('`openssl dgst -sha256 -verify` accepts ours, and rejects ours for a changed message', async () => {
    await fc.assert(
      fc.asyncProperty(url, apiKey, fc.constantFrom(...keys), async (u, k, key) => {
        const s = await build.sign(u, { apiKey: k, date: '2023-06-30', privateKey: pem(`${key}-pkcs1`) });
        const message = Buffer.from(s.message, 'utf8');
        expect(opensslVerify(keyPath(`${key}.pub`), message, s.signature)).toBe(true);
        expect(opensslVerify(keyPath(`${key}.pub`), Buffer.concat([message, Buffer.from('x')]), s.signature)).toBe(false);
      }),
      { numRuns: 15 },
    );
  });

  it('we accept what openssl signs over random UTF-8 messages, and only that', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 0, maxLength: 300 }), fc.constantFrom(...keys), async (message, key) => {
        const signature = opensslSign(keyPath(key), Buffer.from(message, 'utf8'));
        expect(await outcomeOf(build.verify({ message }, signature, pem(`${key}.pub`)))).toBe('valid');
        expect(await outcomeOf(build.verify({ message: `${message}.` }, signature, pem(`${key}.pub`)))).toBe('ERR_NOPS_SIGNATURE_INVALID');
      }),
      { numRuns: 25 },
    );
  });

  it('generated keys are read by openssl, and signatures made with them verify there', async () => {
    const pair = await build.generateKeyPair({ bits: 1024 });
    const s = await build.sign('/nops_api/v1/billingGetTotal/', { apiKey: '1.a', privateKey: pair.privateKey });
    withTempDir((dir) => {
      writeFileSync(join(dir, 'priv.pem'), pair.privateKey);
      writeFileSync(join(dir, 'pub.pem'), pair.publicKey);
      expect(opensslSign(join(dir, 'priv.pem'), Buffer.from(s.message))).toBe(s.signature);
      expect(opensslVerify(join(dir, 'pub.pem'), Buffer.from(s.message), s.signature)).toBe(true);
    });
  });
});
