const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const NONCE_CHARS = 20;
const POOL_BYTES = 8190;

/**
 * A source of 20-character lowercase hex nonces (80 random bits, as the original JS signer). Randomness is drawn
 * 8,190 bytes at a time, turned into hex once and cut into nonces, each byte used once: a CSPRNG call per nonce
 * would cost as much as the HMAC itself.
 */
export function createNonceSource(randomFill: (bytes: Uint8Array) => void): () => string {
  const pool = new Uint8Array(POOL_BYTES);
  let hex = '';
  let pos = 0;
  return () => {
    if (pos === hex.length) {
      randomFill(pool);
      const parts = new Array<string>(POOL_BYTES);
      for (let i = 0; i < POOL_BYTES; i++) parts[i] = HEX2[pool[i]!]!;
      hex = parts.join('');
      pool.fill(0);
      pos = 0;
    }
    const nonce = hex.slice(pos, pos + NONCE_CHARS);
    pos += NONCE_CHARS;
    return nonce;
  };
}
