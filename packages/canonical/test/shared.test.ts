import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalError,
  DATE_ERROR_CODES,
  fromBase64Url,
  isHttpToken,
  isUnreserved,
  parseDateTime,
  parseDay,
  parseReceivedTarget,
  parseRequestTarget,
  readClock,
  ReqsignError,
  TARGET_ERROR_CODES,
  toBase64Url,
} from '@reqsign/canonical';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('python3');

// What every scheme takes from canonical rather than writing its own: checked against oracles written apart from
// the code (Node's Buffer base64url, Python's base64, the RFCs' character lists spelled out).

const bytes = fc.uint8Array({ maxLength: 300 });

describe('base64url', () => {
  it("toBase64Url is Node's Buffer base64url for any bytes (property)", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(toBase64Url(b)).toBe(Buffer.from(b).toString('base64url'));
      }),
      { numRuns: 5_000 },
    );
  });

  it("agrees with Python's base64.urlsafe_b64encode (padding stripped) on lengths 0 to 40 and every byte value", () => {
    const inputs = [
      ...Array.from({ length: 41 }, (_, n) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 255)),
      Uint8Array.from({ length: 256 }, (_, i) => i),
    ];
    const script =
      'import base64, json, sys\nfor h in json.load(sys.stdin): print(base64.urlsafe_b64encode(bytes.fromhex(h)).decode().rstrip("="))';
    const out = execFileSync('python3', ['-c', script], {
      input: JSON.stringify(inputs.map((b) => Buffer.from(b).toString('hex'))),
      encoding: 'utf8',
    });
    expect(inputs.map((b) => toBase64Url(b))).toEqual(out.split('\n').slice(0, -1));
    for (const b of inputs) expect(fromBase64Url(toBase64Url(b))).toEqual(b);
  });

  it('fromBase64Url takes exactly the canonical unpadded encodings, and refuses anything else with ERR_BASE64 (property)', () => {
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n'.split(''));
    const text = fc.oneof(fc.string({ unit: alphabet, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
    fc.assert(
      fc.property(text, (t) => {
        // The oracle: Node decodes laxly; a strict decoder accepts exactly what re-encodes to itself.
        const canonical = /^[A-Za-z0-9_-]*$/.test(t) && Buffer.from(t, 'base64url').toString('base64url') === t;
        let got: Uint8Array | undefined;
        let error: unknown;
        try {
          got = fromBase64Url(t);
        } catch (e) {
          error = e;
        }
        if (canonical) expect(Buffer.from(got!)).toEqual(Buffer.from(t, 'base64url'));
        else {
          expect(error).toBeInstanceOf(CanonicalError);
          expect((error as CanonicalError).code).toBe('ERR_BASE64');
        }
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('grammars', () => {
  // RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
  // / DIGIT / ALPHA.
  const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const DIGIT = '0123456789';
  const TCHAR = new Set(`!#$%&'*+-.^_\`|~${DIGIT}${ALPHA}`);
  // RFC 3986 2.3: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
  const UNRESERVED = new Set(`${ALPHA}${DIGIT}-._~`);
  const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 8 });
  const anyText = fc.oneof(ascii, fc.string({ unit: 'binary', maxLength: 8 }));
  const spelled = (set: Set<string>) => (t: string) => t.length > 0 && [...t].every((c) => c.length === 1 && set.has(c));

  it("isHttpToken is RFC 9110's token, character by character, over all of UTF-16 (property)", () => {
    fc.assert(
      fc.property(anyText, (t) => {
        expect(isHttpToken(t)).toBe(spelled(TCHAR)(t));
      }),
      { numRuns: 20_000 },
    );
    for (let c = 0; c < 0x10000; c++) expect(isHttpToken(String.fromCharCode(c))).toBe(TCHAR.has(String.fromCharCode(c)));
  });

  it('isUnreserved is RFC 3986 unreserved, one or more, over all of UTF-16 (property)', () => {
    fc.assert(
      fc.property(anyText, (t) => {
        expect(isUnreserved(t)).toBe(spelled(UNRESERVED)(t));
      }),
      { numRuns: 20_000 },
    );
    for (let c = 0; c < 0x10000; c++) expect(isUnreserved(String.fromCharCode(c))).toBe(UNRESERVED.has(String.fromCharCode(c)));
    expect(isUnreserved('')).toBe(false);
    expect(isHttpToken('')).toBe(false);
  });
});

describe('readClock', () => {
  class SchemeError extends ReqsignError<'ERR_CLOCK_INVALID'> {}

  it('returns exactly a finite number, and refuses every other value with the caller’s class and ERR_CLOCK_INVALID (property)', () => {
    const value = fc.oneof(
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MAX_VALUE, Number.MIN_VALUE),
      fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true }),
    );
    fc.assert(
      fc.property(value, (v) => {
        if (typeof v === 'number' && Number.isFinite(v))
          expect(
            Object.is(
              readClock(() => v, SchemeError),
              v,
            ),
          ).toBe(true);
        else {
          expect(() => readClock(() => v, SchemeError)).toThrow(SchemeError);
          try {
            readClock(() => v, SchemeError);
          } catch (e) {
            expect((e as SchemeError).code).toBe('ERR_CLOCK_INVALID');
          }
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it("keeps the clock's own exception as the cause, out of the message", () => {
    const cause = new Error('ntp secret-host unreachable');
    let thrown: unknown;
    try {
      readClock(() => {
        throw cause;
      }, SchemeError);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SchemeError);
    expect((thrown as SchemeError).cause).toBe(cause);
    expect((thrown as SchemeError).message).not.toContain('secret-host');
  });
});

describe('the shared error codes', () => {
  const codeOf = (f: () => unknown): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };

  it('TARGET_ERROR_CODES are exactly what the target parsers throw for a URL (each seen, no other)', () => {
    const seen = new Set<string>();
    const url = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('', 'ftp://a/', 'a', '//h/p', 'http:///p', 'http://h/a b', `/${'a'.repeat(9000)}`),
    );
    fc.assert(
      fc.property(url, (u) => {
        for (const parse of [parseRequestTarget, parseReceivedTarget]) {
          const code = codeOf(() => parse(u));
          if (code === undefined) continue;
          expect(TARGET_ERROR_CODES).toContain(code);
          seen.add(code);
        }
      }),
      { numRuns: 5_000 },
    );
    expect([...seen].sort()).toEqual([...TARGET_ERROR_CODES].sort());
  });

  it('DATE_ERROR_CODES hold what the date parsers throw', () => {
    const seen = new Set<string>();
    for (const t of ['', 'x', '2026-13-01T000000Z', '2026-02-30', '2026-02-29T000000Z']) {
      for (const parse of [parseDateTime, parseDay]) {
        const code = codeOf(() => parse(t));
        if (code !== undefined) seen.add(code);
      }
    }
    for (const code of seen) expect(DATE_ERROR_CODES).toContain(code);
    expect(seen.size).toBeGreaterThanOrEqual(2);
  });
});
