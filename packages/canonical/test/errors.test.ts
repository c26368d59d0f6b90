import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalError,
  formatDateTime,
  formatDay,
  fromBase64,
  fromBase64Url,
  fromHex,
  parseQuery,
  parseReceivedTarget,
  parseRequestTarget,
  parseDateTime,
  parseDay,
  ReqsignError,
  timingSafeEqual,
  toHex,
} from '../src/index.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CanonicalError);
    expect(err).toBeInstanceOf(ReqsignError);
    return (err as CanonicalError).code;
  }
  return undefined;
};

describe('typed errors', () => {
  it('wrong argument types give ERR_INVALID_ARGUMENT naming the argument', () => {
    for (const fn of [
      () => parseRequestTarget(42 as unknown as string),
      () => parseQuery(null as unknown as string),
      () => toHex('ab' as unknown as Uint8Array),
      () => fromHex(1 as unknown as string),
      () => formatDateTime('2015-01-01' as unknown as Date),
      () => timingSafeEqual('a', new Uint8Array(1)),
      () => parseRequestTarget('/p', { maxLength: 0 }),
      () => parseReceivedTarget(42 as unknown as string),
      () => parseReceivedTarget('/p', { maxLength: -1 }),
    ]) {
      expect(codeOf(fn)).toBe('ERR_INVALID_ARGUMENT');
    }
    try {
      parseRequestTarget(42 as unknown as string);
    } catch (err) {
      expect((err as Error).message).toContain('url');
      expect((err as Error).name).toBe('CanonicalError');
    }
  });

  it('invalid dates are ERR_DATE_RANGE, never "Invalid Date" text', () => {
    expect(codeOf(() => formatDateTime(new Date(Number.NaN)))).toBe('ERR_DATE_RANGE');
    expect(codeOf(() => formatDay(Number.POSITIVE_INFINITY))).toBe('ERR_DATE_RANGE');
  });

  it("formatDay checks the instant's range, then the zone's name, then the local day's range", () => {
    // canonical.md, Dates: "Checked in this order: the instant's range, the zone's name, the local day's range."
    // 0000-01-01T00:00Z, the first instant in range, and the instants on either side of the range.
    const zero = new Date(0);
    zero.setUTCFullYear(0, 0, 1);
    expect(zero.getTime()).toBe(-62167219200000);
    expect(new Date(253402300800000).toISOString()).toBe('+010000-01-01T00:00:00.000Z');
    for (const zone of ['Nope/Zone', '+01:00', 'PST', '']) {
      for (const ms of [-62167219200001, 253402300800000, Number.NaN])
        expect(
          codeOf(() => formatDay(ms, zone)),
          zone,
        ).toBe('ERR_DATE_RANGE');
      expect(
        codeOf(() => formatDay(-62167219200000, zone)),
        zone,
      ).toBe('ERR_TIME_ZONE');
    }
    expect(codeOf(() => formatDay(-62167219200000, 'Etc/GMT+1'))).toBe('ERR_DATE_RANGE');
  });

  it('a space, C0 control or DEL anywhere is ERR_TARGET_CHARACTER before any check of the form, scheme or host', () => {
    // canonical.md, Request target, 1: "A space, a C0 control (U+0000-U+001F) or DEL anywhere, the fragment
    // included: ERR_TARGET_CHARACTER ... These are checked in this order, first." Whatever surrounds the character
    // (a scheme that is not http, no form at all, an empty host, a backslash in the authority), within the limit.
    const bad = fc.constantFrom(' ', '\u0000', '\t', '\r', '\n', '\u001f', '\u007f');
    const around = fc.oneof(
      fc.constantFrom('ftp://h/', 'a', '*', '//h/', 'http:///', 'http://:80/', 'http://h\\', 'https:/h', '/p#', 'ftp://h/p#f'),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    fc.assert(
      fc.property(around, bad, around, (a, c, b) => {
        const url = `${a}${c}${b}`;
        expect(
          codeOf(() => parseRequestTarget(url, { maxLength: 64 })),
          JSON.stringify(url),
        ).toBe('ERR_TARGET_CHARACTER');
        expect(
          codeOf(() => parseReceivedTarget(url, { maxLength: 64 })),
          JSON.stringify(url),
        ).toBe('ERR_TARGET_CHARACTER');
      }),
      { numRuns: 500 },
    );
  });

  it('the default URL length limit is 8192', () => {
    expect(parseRequestTarget(`/${'a'.repeat(8191)}`).target.length).toBe(8192);
    expect(codeOf(() => parseRequestTarget(`/${'a'.repeat(8192)}`))).toBe('ERR_TARGET_TOO_LONG');
  });

  it('messages are fixed text: one message per function and code, whatever the input, never a piece of it', () => {
    // README, Errors: "messages are fixed text and never echo the input". Every function that reads text, over
    // all of UTF-16 around a marker, and impossible dates of the right shape: each failure's message is the one
    // its function gives for that code, and holds neither the marker nor the date.
    const readers: Record<string, (text: string) => unknown> = {
      parseRequestTarget: (t) => parseRequestTarget(t, { maxLength: 64 }),
      parseReceivedTarget: (t) => parseReceivedTarget(t, { maxLength: 64 }),
      parseQuery: (t) => parseQuery(t, { decode: true }),
      parseDateTime,
      parseDay,
      formatDay: (t) => formatDay(0, t),
      fromHex,
      fromBase64,
      fromBase64Url,
    };
    const seen = new Map<string, string>();
    const check = (name: string, input: string, marker: string) => {
      try {
        readers[name]!(input);
      } catch (err) {
        expect(err).toBeInstanceOf(CanonicalError);
        const { code, message } = err as CanonicalError;
        expect(message).not.toContain(marker);
        const key = `${name} ${code}`;
        expect(message).toBe(seen.get(key) ?? message);
        seen.set(key, message);
      }
    };
    const MARK = 'Qz%7';
    const text = fc.string({ unit: 'binary', maxLength: 80 });
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(readers)), text, text, (name, a, b) => check(name, `${a}${MARK}${b}`, MARK)),
      { numRuns: 1000 },
    );
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (m, d, h) => {
        const day = `2015-${two(m)}-${two(d)}`;
        check('parseDay', day, day);
        check('parseDateTime', `${day}T${two(h)}${two(h)}${two(h)}Z`, day);
      }),
    );
    for (const name of ['parseRequestTarget', 'parseReceivedTarget']) check(name, `/${'a'.repeat(64)}${MARK}`, MARK);
    // The inputs reached every kind of failure, not only the first check of each function.
    for (const code of ['ERR_TARGET_FORM', 'ERR_TARGET_CHARACTER', 'ERR_TARGET_TOO_LONG', 'ERR_QUERY_ENCODING', 'ERR_DATE_FORMAT']) {
      expect([...seen.keys()].some((k) => k.endsWith(code))).toBe(true);
    }
    for (const key of ['parseDay ERR_DATE_RANGE', 'parseDateTime ERR_DATE_RANGE', 'formatDay ERR_TIME_ZONE', 'fromHex ERR_HEX']) {
      expect(seen.has(key)).toBe(true);
    }
  });

  it('messages never echo the input', () => {
    const secretish = '/s3cr3t?token=abcdef0123456789 x';
    try {
      parseRequestTarget(secretish);
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cr3t');
    }
  });
});
