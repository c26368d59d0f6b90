/** Option names: every option-taking function refuses a name it does not know, with the one meant. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnose/node.js';
import { DOC_KEY, builds, codeOf, pem } from './helpers.js';

describe.each(builds)('option names (%s)', (_name, build) => {
  const base = { apiKey: DOC_KEY, date: '2022-01-10' };

  it('sign, buildMessage and signWithCryptoKey do not check names (browser size budget: README)', async () => {
    expect((await build.sign('/p/', { ...base, privateKey: pem('rsa1024'), timezone: 'UTC' } as never)).message).toBe(
      `123.2022-01-10./p/?api_key=${DOC_KEY}`,
    );
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
