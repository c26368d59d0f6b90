import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertBoolean,
  assertFunction,
  assertObject,
  assertString,
  boundedCache,
  CanonicalError,
  randomFill,
  ReqsignError,
  REQUEST_FIELDS,
  resendable,
  subtleCrypto,
} from '@reqsign/canonical';

class OtherError extends ReqsignError<'ERR_INVALID_ARGUMENT' | 'ERR_CRYPTO_UNAVAILABLE'> {}

describe('argument checks', () => {
  it('throw ERR_INVALID_ARGUMENT naming the argument, as the class given (default CanonicalError)', () => {
    const cases: Array<[(v: unknown, n: string, E?: typeof OtherError) => void, unknown, unknown]> = [
      [assertString, 's', 1],
      [assertObject, {}, null],
      [assertObject, [], 'x'],
      [assertFunction, () => 1, {}],
      [assertBoolean, false, 0],
    ];
    for (const [check, good, bad] of cases) {
      expect(() => check(good, 'arg')).not.toThrow();
      expect(() => check(bad, 'options.arg')).toThrow(CanonicalError);
      expect(() => check(bad, 'options.arg', OtherError)).toThrow(OtherError);
      expect(() => check(bad, 'options.arg')).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.arg must be /) }),
      );
    }
  });
});

describe('boundedCache', () => {
  it('holds at most its size, makes each missing value once, and behaves like a map of the most recent keys (model)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 60 }), (size, keys) => {
        const cache = boundedCache<number, string>(size);
        const model: number[] = []; // insertion order, oldest first
        let made = 0;
        let misses = 0;
        for (const k of keys) {
          const hit = model.includes(k);
          const v = cache.get(k, (key) => {
            made++;
            return `v${key}`;
          });
          expect(v).toBe(`v${k}`);
          if (!hit) {
            misses++;
            if (model.length >= size) model.shift();
            model.push(k);
          }
          expect(cache.size).toBe(model.length);
        }
        // A value is made exactly when its key is not among the most recently inserted `size`.
        expect(made).toBe(misses);
      }),
    );
  });

  it('forgets a promise that rejects, and a value whose making threw', async () => {
    const cache = boundedCache<string, Promise<number>>(4);
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('import failed'));
    };
    await expect(cache.get('k', failing)).rejects.toThrow('import failed');
    await new Promise((r) => setTimeout(r, 0));
    await expect(cache.get('k', failing)).rejects.toThrow('import failed');
    expect(calls).toBe(2);
    expect(() =>
      cache.get('t', () => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    expect(cache.get('t', () => Promise.resolve(1))).toBeInstanceOf(Promise);
  });
});

describe('WebCrypto lookup', () => {
  it('answers with the runtime crypto, and ERR_CRYPTO_UNAVAILABLE (of the class given) without it', () => {
    expect(subtleCrypto()).toBe(globalThis.crypto.subtle);
    const bytes = new Uint8Array(16);
    randomFill(bytes);
    expect(bytes.some((b) => b !== 0)).toBe(true);
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: undefined }, configurable: true });
    try {
      expect(() => subtleCrypto()).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_UNAVAILABLE', name: 'CanonicalError' }));
      expect(() => subtleCrypto(OtherError)).toThrow(OtherError);
      expect(() => randomFill(bytes, OtherError)).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_UNAVAILABLE', name: 'OtherError' }));
    } finally {
      Object.defineProperty(globalThis, 'crypto', descriptor);
    }
  });
});

describe('resendable', () => {
  it('keeps every field, the headers and the body of a Request, for one to another URL', async () => {
    const controller = new AbortController();
    const original = new Request('https://h.example/a?x=1', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'x-custom': 'v' },
      body: 'payload €',
      redirect: 'manual',
      signal: controller.signal,
      cache: 'no-store',
      keepalive: false,
      referrerPolicy: 'no-referrer',
      integrity: 'sha256-abc',
    });
    const init = await resendable(original);
    const copy = new Request('https://h.example/a?x=1&signed', init);
    for (const f of REQUEST_FIELDS) {
      if (f !== 'signal') expect(copy[f], f).toEqual(original[f]);
    }
    expect([...copy.headers]).toEqual([...original.headers]);
    expect(await copy.text()).toBe('payload €');
    controller.abort();
    expect(copy.signal.aborted).toBe(true);
    const bodiless = await resendable(new Request('https://h.example/'));
    expect(bodiless.body).toBeNull();
  });
});
