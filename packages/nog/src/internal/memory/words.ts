/**
 * How a nonce becomes three 32-bit words of a table slot. A nonce of at most {@link PACKED_MAX} lowercase hex digits
 * (every Nog client's) is packed, 4 bits a digit, with its length in the top byte of the third word; any other nonce
 * is represented by its hash and length, with {@link STRING_NONCE} as its "length", and kept as a string beside the
 * table.
 */
export const PACKED_MAX = 22;
export const STRING_NONCE = 0xff;

/** Hex digit values of the ASCII characters `0-9a-f`; -1 for every other. */
const HEX = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  for (let c = 0; c < 16; c++) t['0123456789abcdef'.charCodeAt(c)] = c;
  return t;
})();

/** The lowercase hex digits s[from..to) (at most 8) as an unsigned number, or -1 when one is not one. */
function hexWord(s: string, from: number, to: number): number {
  let w = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? HEX[c]! : -1;
    if (d === -1) return -1;
    w = (w << 4) | d;
  }
  return w >>> 0;
}

/** The three words of a nonce, written into `out`; returns whether it is packed (else it must be kept as a string). */
export function nonceWords(nonce: string, seed: number, out: Uint32Array): boolean {
  const n = nonce.length;
  const w0 = n <= PACKED_MAX ? hexWord(nonce, 0, Math.min(n, 8)) : -1;
  const w1 = n > 8 && w0 !== -1 ? hexWord(nonce, 8, Math.min(n, 16)) : 0;
  const w2 = n > 16 && w1 !== -1 ? hexWord(nonce, 16, n) : 0;
  if (w0 !== -1 && w1 !== -1 && w2 !== -1) {
    out[0] = w0;
    out[1] = w1;
    out[2] = w2 + n * 0x1000000;
    return true;
  }
  let h = seed;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ nonce.charCodeAt(i), 0x01000193);
  out[0] = h >>> 0;
  out[1] = n;
  out[2] = STRING_NONCE * 0x1000000;
  return false;
}

/** 32-bit finalizer (MurmurHash3's fmix32). */
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The slot hash of an entry: its scope number and nonce words, under the table's seed. */
export function slotHash(seed: number, scope: number, w0: number, w1: number, w2: number): number {
  let h = seed;
  h = Math.imul(h ^ scope, 0x9e3779b1);
  h = Math.imul((h << 13) | (h >>> 19), 5) ^ w0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ w1;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ w2;
  return fmix(h);
}

/**
 * A hash seed, so that nonces chosen to collide in one process do not collide in another. Not a secret that guards
 * anything else: without a usable CSPRNG, Math.random will do.
 */
export function randomSeed(): number {
  try {
    return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
  } catch {
    return (Math.random() * 2 ** 32) >>> 0;
  }
}

/** A copy of `s` that does not keep the string it was sliced from (a whole URL) alive. */
export const ownCopy = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));
