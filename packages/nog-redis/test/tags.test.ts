import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTagReply, Tags } from '../src/internal/tags.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

describe('Tags', () => {
  it('hands out 12 base64url characters, no two alike, across many refills of its pool (100,000 tags, two objects)', () => {
    const seen = new Set<string>();
    const malformed: string[] = [];
    for (const tags of [new Tags(), new Tags()]) {
      for (let i = 0; i < 50_000; i++) {
        const tag = tags.next();
        if (tag.length !== 12 || !BASE64URL.test(tag)) malformed.push(tag);
        seen.add(tag);
      }
    }
    expect(malformed).toEqual([]);
    expect(seen.size).toBe(100_000);
  });
});

describe('readTagReply', () => {
  const tag = new Tags().next();
  const bytes = (text: string) => Buffer.from(text, 'latin1');

  it("reads nil as new, the claim's own tag as own, in every reply form (string, Buffer, a view into a larger buffer)", () => {
    expect(readTagReply(null, tag)).toBe('new');
    const wide = Buffer.from(`xx${tag}yy`, 'latin1');
    for (const reply of [tag, bytes(tag), new Uint8Array(bytes(tag)), wide.subarray(2, 14)]) expect(readTagReply(reply, tag)).toBe('own');
  });

  it("reads another claim's value as a replay: 1 (stores before tags), another tag, a later version's longer tag (to 64 characters)", () => {
    for (const value of ['1', new Tags().next(), 'A'.repeat(12), '-'.repeat(64), `${tag}x`]) {
      expect(readTagReply(value, tag)).toBe('replay');
      expect(readTagReply(bytes(value), tag)).toBe('replay');
    }
  });

  it('reads anything else as unexpected: OK, QUEUED, short or long tokens, other characters, numbers, arrays, booleans', () => {
    for (const value of ['OK', 'QUEUED', '', '0', '11', 'A'.repeat(11), 'A'.repeat(65), `${tag} `, `${tag.slice(1)}+`, 'é'.repeat(12)]) {
      expect(readTagReply(value, tag)).toBe('unexpected');
      expect(readTagReply(bytes(value), tag)).toBe('unexpected');
    }
    for (const value of [1, 0, true, false, undefined, [tag], { tag }, 1n]) expect(readTagReply(value, tag)).toBe('unexpected');
  });

  it('is own only for exactly the tag, and never new for a value (property, all of UTF-16)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constant(tag)), (value) => {
        const read = readTagReply(value, tag);
        // A replay is only a value that a nonce store writes: 1, or 12 to 64 base64url characters.
        const written = value === '1' || (BASE64URL.test(value) && value.length >= 12 && value.length <= 64);
        return (read === 'own') === (value === tag) && read !== 'new' && (read !== 'replay' || written);
      }),
      { numRuns: 300 },
    );
  });
});
