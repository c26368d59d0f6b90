import { boundedCache } from '@reqsign/canonical';
import type { KeyKind } from './keyInput.js';

/** How many PEM strings each cache keeps (least recently inserted goes first). */
export const PEM_CACHE_SIZE = 32;

/**
 * Wraps a key import in caches, so that signing again with the same key costs no import: a `WeakMap` for key
 * objects (JWK, KeyObject, CryptoKey; keyed by identity, so mutate a JWK object after first use at your peril) and
 * a small bounded cache for PEM strings. A failed import is not cached.
 */
export function cachedImport<H>(
  importKey: (input: unknown, kind: KeyKind) => H | Promise<H>,
): (input: unknown, kind: KeyKind) => H | Promise<H> {
  const objects = { private: new WeakMap<object, H | Promise<H>>(), public: new WeakMap<object, H | Promise<H>>() };
  const strings = {
    private: boundedCache<string, H | Promise<H>>(PEM_CACHE_SIZE),
    public: boundedCache<string, H | Promise<H>>(PEM_CACHE_SIZE),
  };
  const make = { private: (input: unknown) => importKey(input, 'private'), public: (input: unknown) => importKey(input, 'public') };
  return (input, kind) => {
    if (typeof input === 'string') return strings[kind].get(input, make[kind]);
    if (typeof input === 'object' && input !== null) {
      const map = objects[kind];
      const hit = map.get(input);
      if (hit !== undefined) return hit;
      const value = importKey(input, kind);
      map.set(input, value);
      if (value instanceof Promise) value.catch(() => map.get(input) === value && map.delete(input));
      return value;
    }
    return importKey(input, kind);
  };
}
