/**
 * A browser page served over plain http (not localhost) is no secure context: no crypto.subtle. The WebCrypto build
 * then answers with a typed error that says so, not with a key error or a TypeError from deep inside.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DOC_KEY, pem, outcomeOf } from './helpers.js';
import * as web from '../src/index.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the WebCrypto build without crypto.subtle', () => {
  it('sign, verify and generateKeyPair reject with ERR_CRYPTO_UNAVAILABLE; all work again once it is back', async () => {
    // A key not seen before, so that no cached import hides the missing crypto.subtle.
    const privateKey = pem('rsa1024').replace(/\n$/, '\r\n');
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto), subtle: undefined });
    const expected = { name: 'NopsError', code: 'ERR_CRYPTO_UNAVAILABLE', message: expect.stringMatching(/secure context/) };
    await expect(web.sign('/p/', { apiKey: DOC_KEY, privateKey, date: '2022-01-10' })).rejects.toMatchObject(expected);
    await expect(web.verify({ message: 'm' }, 'AAAA', pem('rsa1024.pub').replace(/\n$/, '\r\n'))).rejects.toMatchObject(expected);
    await expect(web.generateKeyPair({ bits: 1024 })).rejects.toMatchObject(expected);

    vi.unstubAllGlobals();
    const signed = await web.sign('/p/', { apiKey: DOC_KEY, privateKey, date: '2022-01-10' });
    expect(await outcomeOf(web.verify({ message: signed.message }, signed.signature, pem('rsa1024.pub')))).toBe('valid');
  });
});
