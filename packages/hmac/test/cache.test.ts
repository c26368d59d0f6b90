/**
 * The key cache (README, "Security notes"): one derived key per secret, at most KEY_CACHE_SIZE, the oldest forgotten
 * first; a failed WebCrypto import is not remembered. Counted at the platform's own key derivation calls.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEY_CACHE_SIZE } from '../src/api.js';
import * as node from '../src/node.js';
import * as web from '../src/index.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Secrets longer than the block (so node:crypto hashes each once when it derives its pads). */
const secret = (i: number): string => `${'s'.repeat(70)}-${i}`;

describe('the key cache', () => {
  it('is 256 secrets', () => {
    expect(KEY_CACHE_SIZE).toBe(256);
  });

  it('node:crypto derives each secret once while it is among the last 256, and again once forgotten', () => {
    const real = crypto.createHash;
    let derived = 0;
    crypto.createHash = ((...args: Parameters<typeof real>) => {
      derived++;
      return real(...args);
    }) as typeof real;
    syncBuiltinESMExports();
    try {
      const p = node.createHmacProvider();
      for (let i = 0; i < KEY_CACHE_SIZE; i++) p.hmacHex(secret(i), 'x');
      expect(derived).toBe(KEY_CACHE_SIZE);
      for (let i = 0; i < KEY_CACHE_SIZE; i++) p.hmacHex(secret(i), 'y');
      expect(derived).toBe(KEY_CACHE_SIZE); // all kept
      p.hmacHex(secret(KEY_CACHE_SIZE), 'x'); // one more: the oldest (0) is forgotten
      expect(derived).toBe(KEY_CACHE_SIZE + 1);
      p.hmacHex(secret(1), 'x');
      expect(derived).toBe(KEY_CACHE_SIZE + 1);
      p.hmacHex(secret(0), 'x');
      expect(derived).toBe(KEY_CACHE_SIZE + 2);
      // Another provider has a cache of its own.
      node.createHmacProvider().hmacHex(secret(1), 'x');
      expect(derived).toBe(KEY_CACHE_SIZE + 3);
    } finally {
      crypto.createHash = real;
      syncBuiltinESMExports();
    }
  });

  it('WebCrypto imports each secret once while it is among the last 256, and again once forgotten', async () => {
    const real = globalThis.crypto;
    let imports = 0;
    const subtle = {
      importKey: (...args: Parameters<SubtleCrypto['importKey']>) => {
        imports++;
        return real.subtle.importKey(...args);
      },
      sign: (...args: Parameters<SubtleCrypto['sign']>) => real.subtle.sign(...args),
    };
    vi.stubGlobal('crypto', { subtle, getRandomValues: (b: Uint8Array) => real.getRandomValues(b) });
    const p = web.createHmacProvider();
    for (let i = 0; i < KEY_CACHE_SIZE; i++) await p.hmacHex(secret(i), 'x');
    for (let i = 0; i < KEY_CACHE_SIZE; i++) await p.hmacHex(secret(i), 'y');
    expect(imports).toBe(KEY_CACHE_SIZE);
    await p.hmacHex(secret(KEY_CACHE_SIZE), 'x');
    await p.hmacHex(secret(1), 'x');
    expect(imports).toBe(KEY_CACHE_SIZE + 1);
    await p.hmacHex(secret(0), 'x');
    expect(imports).toBe(KEY_CACHE_SIZE + 2);
  });

  it('WebCrypto does not remember a failed import: without crypto.subtle it fails typed, and works once it is back', async () => {
    class SchemeError extends Error {
      constructor(
        readonly code: string,
        message: string,
      ) {
        super(message);
      }
    }
    const p = web.createHmacProvider(SchemeError);
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => real.getRandomValues(b), subtle: undefined });
    await expect(p.hmacHex('a secret', 'x')).rejects.toMatchObject({ constructor: SchemeError, code: 'ERR_CRYPTO_UNAVAILABLE' });
    vi.unstubAllGlobals();
    expect(await p.hmacHex('a secret', 'x')).toBe(node.createHmacProvider().hmacHex('a secret', 'x'));
    // What is no string is refused with the same class, ERR_INVALID_ARGUMENT.
    await expect(p.hmacHex(1 as never, 'x')).rejects.toMatchObject({ constructor: SchemeError, code: 'ERR_INVALID_ARGUMENT' });
    await expect(p.hmacHex('k', null as never)).rejects.toMatchObject({ constructor: SchemeError, code: 'ERR_INVALID_ARGUMENT' });
  });
});
