/** Option names: every option-taking function refuses a name it does not know, with the one meant. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnose/node.js';
import { DOC_KEY, builds, codeOf, pem } from './helpers.js';

describe.each(builds)('option names (%s)', (_name, build) => {
  const base = { apiKey: DOC_KEY, date: '2022-01-10' };

  it('sign, buildMessage and signWithCryptoKey refuse an unknown option, naming the options', async () => {
    const privateKey = pem('rsa1024');
    await expect(build.sign('/p/', { ...base, privateKey, timezone: 'UTC' } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: 'sign: unknown option "timezone" (the options are apiKey, date, timeZone, apiKeyIn, trailingSlash, privateKey)',
    });
    expect(() => build.buildMessage('/p/', { ...base, trailingslash: 'add' } as never)).toThrow(
      'buildMessage: unknown option "trailingslash" (the options are apiKey, date, timeZone, apiKeyIn, trailingSlash)',
    );
    // The names come first: before the key (no CryptoKey needed to show it).
    await expect(build.signWithCryptoKey('/p/', { ...base, privateKey: 'x', apikeyIn: 'header' } as never)).rejects.toThrow(
      'sign: unknown option "apikeyIn"',
    );
    // The names it knows still sign, and a non-object is the options' own error first.
    expect((await build.sign('/p/', { ...base, privateKey, timeZone: undefined })).message).toBe(`123.2022-01-10./p/?api_key=${DOC_KEY}`);
    expect(() => build.buildMessage('/p/', 'apiKey' as never)).toThrow('options must be an object');
  });

  it('createNopsFetch refuses an unknown option when it is made, naming the options', () => {
    expect(() => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa1024'), timezone: 'UTC' } as never)).toThrow(
      'createNopsFetch: unknown option "timezone" (the options are apiKey, privateKey, baseUrl, fetch, apiKeyIn, timeZone, trailingSlash, clockOffset, correctClock, retry)',
    );
  });

  it('retryOn503 refuses an unknown option, naming the options (a misspelt attempts was ignored: 3 sends)', () => {
    expect(() => build.retryOn503({ attemps: 1 } as never)).toThrow(
      expect.objectContaining({
        name: 'NopsError',
        code: 'ERR_INVALID_ARGUMENT',
        message: 'retryOn503: unknown option "attemps" (the options are attempts, maxDelayMs)',
      }),
    );
    expect(typeof build.retryOn503({ attempts: 1, maxDelayMs: 0 })).toBe('function');
  });

  it('generateKeyPair and diagnose refuse an unknown option', async () => {
    await expect(build.generateKeyPair({ bit: 2048 } as never)).rejects.toThrow(
      'generateKeyPair: unknown option "bit" (the options are bits)',
    );
    const input = { url: `/p/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
    expect(await codeOf(diagnose(input, 'QQ==', pem('rsa1024.pub'), { expectedURL: '/p/' } as never))).toBe('ERR_INVALID_ARGUMENT');
    await expect(diagnose(input, 'QQ==', pem('rsa1024.pub'), { prefix: ['/a'] } as never)).rejects.toThrow(
      'diagnose: unknown option "prefix" (did you mean prefixes?)',
    );
  });
});
