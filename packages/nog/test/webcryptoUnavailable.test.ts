/**
 * A browser page served over plain http (not localhost) is no secure context: it has crypto.getRandomValues but no
 * crypto.subtle. The WebCrypto build then answers with a typed error, not a TypeError from deep inside.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATE_MS, KEY, KEYS, web } from './helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the WebCrypto build without crypto.subtle', () => {
  it('sign and verify reject with ERR_CRYPTO_UNAVAILABLE, and work again once WebCrypto is back', async () => {
    const { url } = await web.sign('GET', '/p', KEY, { date: DATE_MS, nonce: false });
    const verifier = web.createVerifier({ keys: KEYS, now: () => DATE_MS });

    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => real.getRandomValues(b), subtle: undefined });
    expect(globalThis.crypto.subtle).toBeUndefined();
    const other = { id: 'another', secret: 'a secret no key has been imported for' };
    await expect(web.sign('GET', '/p', other, { date: DATE_MS, nonce: false })).rejects.toMatchObject({
      name: 'NogError',
      code: 'ERR_CRYPTO_UNAVAILABLE',
      message: expect.stringMatching(/secure context/),
    });
    await expect(
      web.createVerifier({ keys: { another: other.secret }, now: () => DATE_MS }).verify('GET', url.replace(KEY.id, 'another')),
    ).rejects.toMatchObject({
      code: 'ERR_CRYPTO_UNAVAILABLE',
    });

    vi.unstubAllGlobals();
    expect(await web.sign('GET', '/p', other, { date: DATE_MS, nonce: false })).toMatchObject({
      target: expect.stringContaining('authkeyid=another'),
    });
    expect(await verifier.verify('GET', url)).toMatchObject({ ok: true });
  });
});
