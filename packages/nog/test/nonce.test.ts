import { describe, expect, it } from 'vitest';
import { createNonceSource } from '../src/internal/nonce.js';

/** A randomFill that writes a running byte counter and records how many bytes each call asked for. */
function counting(): { fill: (bytes: Uint8Array) => void; draws: number[] } {
  let next = 0;
  const draws: number[] = [];
  return {
    draws,
    fill(bytes) {
      draws.push(bytes.length);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next++ & 255;
    },
  };
}

describe('the nonce source', () => {
  it('uses every random byte once, in order, as 20 lowercase hex digits per nonce', () => {
    const { fill } = counting();
    const next = createNonceSource(fill);
    for (let n = 0; n < 3000; n++) {
      let hex = '';
      for (let i = 0; i < 10; i++) hex += ((n * 10 + i) & 255).toString(16).padStart(2, '0');
      expect(next()).toBe(hex);
    }
  });

  it('draws one nonce first, then twice as much each time, up to 8,190 bytes', () => {
    const { fill, draws } = counting();
    const next = createNonceSource(fill);
    for (let n = 0; n < 2500; n++) next();
    expect(draws).toEqual([10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 8190, 8190]);
  });

  it('gives distinct nonces from real randomness', () => {
    const next = createNonceSource((b) => crypto.getRandomValues(b));
    const seen = new Set<string>();
    for (let n = 0; n < 5000; n++) {
      const nonce = next();
      expect(nonce).toMatch(/^[0-9a-f]{20}$/);
      seen.add(nonce);
    }
    expect(seen.size).toBe(5000);
  });
});
