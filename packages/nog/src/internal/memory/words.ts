/**
 * How a nonce becomes three 32-bit words of a table slot. A nonce of at most {@link PACKED_MAX} lowercase hex digits
 * (every Nog client's) is packed, 4 bits a digit, with its length in the top byte of the third word: exact. Any
 * other nonce is represented by 88 bits of seeded hash with {@link HASHED_NONCE} as its "length": no string is kept,
 * so every entry costs the same few bytes whatever its nonce. Two different such nonces of one key id and authdate
 * could be taken for each other (a refusal, never an acceptance), with odds of about 2^-88 a pair for nonces not
 * chosen against this hash; only the key's holder can choose them.
 */
export const PACKED_MAX = 22;
export const HASHED_NONCE = 0xff;

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

/** The three words of a nonce, written into `out` (see above); seeds are the table's. */
export function nonceWords(nonce: string, seeds: Uint32Array, out: Uint32Array): void {
  const n = nonce.length;
  const w0 = n <= PACKED_MAX ? hexWord(nonce, 0, Math.min(n, 8)) : -1;
  const w1 = n > 8 && w0 !== -1 ? hexWord(nonce, 8, Math.min(n, 16)) : 0;
  const w2 = n > 16 && w1 !== -1 ? hexWord(nonce, 16, n) : 0;
  if (w0 !== -1 && w1 !== -1 && w2 !== -1) {
    out[0] = w0;
    out[1] = w1;
    out[2] = w2 + n * 0x1000000;
    return;
  }
  // Three independent seeded passes (FNV-1a steps, each finalized), then the marker in the top byte.
  let a = seeds[0]! ^ n;
  let b = seeds[1]! ^ n;
  let c = seeds[2]! ^ n;
  for (let i = 0; i < n; i++) {
    const ch = nonce.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995) ^ (b >>> 15);
    c = Math.imul((c ^ ch) + 0x9e3779b9, 0x85ebca6b) ^ (c >>> 13);
  }
  out[0] = fmix(a);
  out[1] = fmix(b);
  out[2] = (fmix(c) & 0xffffff) + HASHED_NONCE * 0x1000000;
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
 * Hash seeds, so that nonces chosen to collide in one process do not collide in another. Not a secret that guards
 * anything else: without a usable CSPRNG, Math.random will do.
 */
export function randomSeeds(count: number): Uint32Array {
  const seeds = new Uint32Array(count);
  try {
    globalThis.crypto.getRandomValues(seeds);
  } catch {
    for (let i = 0; i < count; i++) seeds[i] = (Math.random() * 2 ** 32) >>> 0;
  }
  return seeds;
}

/** A copy of `s` that does not keep the string it was sliced from (a whole URL) alive. */
export const ownCopy = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));
