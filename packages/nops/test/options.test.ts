/** Option names: every option-taking function refuses a name it does not know, with the one meant. */
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnose/node.js';
import { DOC_KEY, builds, codeOf, pem } from './helpers.js';

describe.each(builds)('option names (%s)', (_name, build) => {
  const base = { apiKey: DOC_KEY, date: '2022-01-10' };

  it('sign, buildMessage and signWithCryptoKey refuse an unknown option with the one meant', async () => {
    await expect(build.sign('/p/', { ...base, privateKey: pem('rsa1024'), timezone: 'UTC' } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: 'options: unknown option "timezone" (did you mean timeZone?)',
    });
    expect(() => build.buildMessage('/p/', { ...base, apiKeyin: 'query' } as never)).toThrow('(did you mean apiKeyIn?)');
    const key = await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 1024, publicExponent: Uint8Array.of(1, 0, 1) },
      false,
      ['sign'],
    );
    await expect(build.signWithCryptoKey('/p/', { ...base, privateKey: key.privateKey, trailingSlah: 'add' } as never)).rejects.toThrow(
      '(did you mean trailingSlash?)',
    );
    // buildMessage takes sign's options (the key unused), so one object serves both.
    expect(build.buildMessage('/p/', { ...base, privateKey: pem('rsa1024') } as never).message).toBe(
      `123.2022-01-10./p/?api_key=${DOC_KEY}`,
    );
  });

  it('generateKeyPair and diagnose refuse an unknown option', async () => {
    await expect(build.generateKeyPair({ bit: 2048 } as never)).rejects.toThrow(
      'generateKeyPair: unknown option "bit" (did you mean bits?)',
    );
    const input = { url: `/p/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
    expect(await codeOf(diagnose(input, 'QQ==', pem('rsa1024.pub'), { expectedURL: '/p/' } as never))).toBe('ERR_INVALID_ARGUMENT');
    await expect(diagnose(input, 'QQ==', pem('rsa1024.pub'), { prefix: ['/a'] } as never)).rejects.toThrow(
      'diagnose: unknown option "prefix" (did you mean prefixes?)',
    );
  });
});
