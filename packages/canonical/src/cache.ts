import { CanonicalError, assertFunction } from './errors.js';

/**
 * A map of at most `size` entries that forgets its oldest entry when full: for derived keys (an HMAC `CryptoKey`
 * per secret, an imported RSA key per PEM), which are costly to make and few in number. A value that is a promise
 * is dropped again if it rejects, so a failed import is not remembered.
 */
export interface BoundedCache<K, V> {
  /** The value for `key`, made with `make` (and remembered) when there is none. */
  get(key: K, make: (key: K) => V): V;
  readonly size: number;
}

export function boundedCache<K, V>(size: number): BoundedCache<K, V> {
  if (!Number.isSafeInteger(size) || size < 1) throw new CanonicalError('ERR_INVALID_ARGUMENT', 'size must be a whole number, 1 or more');
  const map = new Map<K, V>();
  return {
    get(key, make) {
      let value = map.get(key);
      if (value === undefined) {
        assertFunction(make, 'make');
        if (map.size >= size) map.delete(map.keys().next().value as K);
        value = make(key);
        map.set(key, value);
        if (value instanceof Promise) value.catch(() => map.get(key) === value && map.delete(key));
      }
      return value;
    },
    get size() {
      return map.size;
    },
  };
}
