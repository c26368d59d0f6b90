const HEX_CODES = new Uint8Array([...'0123456789abcdef'].map((c) => c.charCodeAt(0)));
const NONCE_CHARS = 20;
const POOL_BYTES = 8190;
// Hex digits are ASCII, so UTF-8 decoding turns them into a flat string in one step.
const decoder = new TextDecoder();

/**
 * A source of 20-character lowercase hex nonces (80 random bits, as the original JS signer). Randomness is drawn
 * up to 8,190 bytes at a time, turned into hex once and cut into nonces, each byte used once: a CSPRNG call per
 * nonce would cost as much as the HMAC itself. The first draw is one nonce's worth and each next one twice the
 * last, up to the full pool: a process that signs once (the CLI, a cold start) does not pay for 819 nonces.
 */
export function createNonceSource(randomFill: (bytes: Uint8Array) => void): () => string {
  const pool = new Uint8Array(POOL_BYTES);
  const chars = new Uint8Array(POOL_BYTES * 2);
  let size = 0;
  let hex = '';
  let pos = 0;
  return () => {
    if (pos === hex.length) {
      // Multiples of a nonce's 10 bytes: 10, 20, 40, ..., 5,120, then 8,190.
      size = size === 0 ? NONCE_CHARS / 2 : Math.min(size * 2, POOL_BYTES);
      const bytes = pool.subarray(0, size);
      randomFill(bytes);
      for (let i = 0; i < size; i++) {
        const b = bytes[i]!;
        chars[2 * i] = HEX_CODES[b >> 4]!;
        chars[2 * i + 1] = HEX_CODES[b & 15]!;
      }
      hex = decoder.decode(chars.subarray(0, 2 * size));
      bytes.fill(0);
      chars.fill(0, 0, 2 * size);
      pos = 0;
    }
    const nonce = hex.slice(pos, pos + NONCE_CHARS);
    pos += NONCE_CHARS;
    return nonce;
  };
}
