import { CanonicalError } from './errors.js';

/**
 * Compares two strings or two byte arrays in time that depends only on their lengths, never on where they differ.
 * Strings are compared by UTF-16 code units. Different lengths compare unequal (the length itself is not secret
 * for the fixed-size signatures this is for).
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    let diff = a.length ^ b.length;
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
    return diff === 0;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    let diff = a.length ^ b.length;
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
    return diff === 0;
  }
  throw new CanonicalError('ERR_INVALID_ARGUMENT', 'timingSafeEqual compares two strings or two Uint8Arrays');
}
