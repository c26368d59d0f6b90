const HEX = '0123456789abcdef';
const NONCE_BYTES = 10;
const POOL_BYTES = NONCE_BYTES * 256;

/**
 * A source of 20-character lowercase hex nonces (80 random bits, as the original JS signer). Randomness is drawn
 * 2,560 bytes at a time and cut into nonces, each byte used once: a CSPRNG call per nonce would cost as much as
 * the HMAC itself.
 */
export function createNonceSource(randomFill: (bytes: Uint8Array) => void): () => string {
  const pool = new Uint8Array(POOL_BYTES);
  let pos = POOL_BYTES;
  return () => {
    if (pos === POOL_BYTES) {
      randomFill(pool);
      pos = 0;
    }
    let out = '';
    for (let i = pos; i < pos + NONCE_BYTES; i++) {
      const b = pool[i]!;
      out += HEX[b >> 4]! + HEX[b & 15]!;
    }
    pos += NONCE_BYTES;
    return out;
  };
}
