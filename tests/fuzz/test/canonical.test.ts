import fc from 'fast-check';
import * as canonical from '@reqsign/canonical';
import { describe, expect, it } from 'vitest';
import { hostile, lowByteTwin, near, options, serverAnswers, text, twinned, urlish } from './arbitraries.js';
import { draw, RUNS, replay, expectClean, fuzz, unfuzzedExports } from './harness.js';

const { CanonicalError } = canonical;
const bytes = fc.uint8Array({ maxLength: 64 });
const ms = fc.oneof(fc.integer({ min: -62167219200000, max: 253402300799999 }), fc.double(), fc.date({ noInvalidDate: false }));
const dayText = fc
  .tuple(fc.integer({ min: -1, max: 10000 }), fc.integer({ min: -1, max: 14 }), fc.integer({ min: -1, max: 33 }))
  .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const dateTimeText = fc.tuple(dayText, fc.integer({ min: 0, max: 999999 })).map(([d, t]) => `${d}T${String(t).padStart(6, '0')}Z`);
const zone = fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Etc/GMT+12', 'Nowhere/City', '', 'utc', '+05:30');
const targetParts = fc.record({
  origin: near(fc.constantFrom('', 'https://h.example')),
  fragment: near(fc.option(fc.string(), { nil: null })),
});
const pairs = fc.array(near(fc.tuple(near(text), near(text))), { maxLength: 4 });
const queryParams = fc.array(near(fc.record({ name: near(text), value: near(fc.option(text, { nil: null })) })), { maxLength: 4 });
const variantOptions = options({
  appended: near(fc.array(near(fc.constantFrom('authsignature', 'api_key', 'x')), { maxLength: 3 })),
  prefixes: near(fc.array(near(fc.constantFrom('/api', '/', 'a', '')), { maxLength: 3 })),
  maxOrders: fc.oneof(fc.integer({ min: -1, max: 800 }), fc.double()),
});
const errorClass = fc.constantFrom(undefined, CanonicalError);

/** One entry per exported function: its arguments and the call. */
const ENTRIES: Record<string, { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown }> = {
  assertString: { args: fc.tuple(hostile, near(text), errorClass), call: (v, n, c) => canonical.assertString(v, n as string, c as never) },
  assertObject: { args: fc.tuple(hostile, near(text), errorClass), call: (v, n, c) => canonical.assertObject(v, n as string, c as never) },
  assertFunction: {
    args: fc.tuple(hostile, near(text), errorClass),
    call: (v, n, c) => canonical.assertFunction(v, n as string, c as never),
  },
  assertBoolean: {
    args: fc.tuple(hostile, near(text), errorClass),
    call: (v, n, c) => canonical.assertBoolean(v, n as string, c as never),
  },
  parseRequestTarget: {
    args: fc.tuple(near(urlish), options({ maxLength: fc.integer({ min: -1, max: 100 }) })),
    call: (u, o) => canonical.parseRequestTarget(u as string, o as never),
  },
  parseReceivedTarget: {
    args: fc.tuple(near(urlish), options({ maxLength: fc.integer({ min: -1, max: 100 }) })),
    call: (u, o) => canonical.parseReceivedTarget(u as string, o as never),
  },
  receivedTargetOf: {
    // The target parseReceivedTarget gives, or null where it throws a target code: checked on every input.
    args: fc.tuple(near(urlish), fc.option(near(fc.integer({ min: -1, max: 100 })), { nil: undefined })),
    call: (u, m) => {
      const got = canonical.receivedTargetOf(u as string, m as number);
      let want: string | null;
      try {
        want = canonical.parseReceivedTarget(u as string, m === undefined ? undefined : { maxLength: m as number }).target;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_INVALID_ARGUMENT') throw new Error('answered where the parser refuses the arguments');
        want = null;
      }
      if (got !== want) throw new Error(`receivedTargetOf ${JSON.stringify(got)}, parseReceivedTarget ${JSON.stringify(want)}`);
      return got;
    },
  },
  formatUrl: { args: fc.tuple(near(targetParts), near(urlish)), call: (p, t) => canonical.formatUrl(p as never, t as string) },
  hasQuery: { args: fc.tuple(near(urlish)), call: (t) => canonical.hasQuery(t as string) },
  appendQuery: {
    args: fc.tuple(near(urlish), near(fc.oneof(text, pairs))),
    call: (t, p) => canonical.appendQuery(t as string, p as never),
  },
  parseQuery: {
    args: fc.tuple(near(urlish), options({ decode: fc.boolean() })),
    call: (q, o) => canonical.parseQuery(q as string, o as never),
  },
  serializeQuery: { args: fc.tuple(near(queryParams)), call: (p) => canonical.serializeQuery(p as never) },
  formatDateTime: { args: fc.tuple(near(ms)), call: (d) => canonical.formatDateTime(d as never) },
  parseDateTime: { args: fc.tuple(near(dateTimeText)), call: (t) => canonical.parseDateTime(t as string) },
  toBase64Url: { args: fc.tuple(near(fc.uint8Array({ maxLength: 40 }))), call: (b) => canonical.toBase64Url(b as Uint8Array) },
  fromBase64Url: { args: fc.tuple(near(text)), call: (t) => canonical.fromBase64Url(t as string) },
  isHttpToken: { args: fc.tuple(near(text)), call: (t) => canonical.isHttpToken(t as string) },
  isUnreserved: { args: fc.tuple(near(text)), call: (t) => canonical.isUnreserved(t as string) },
  readClock: {
    args: fc.tuple(fc.oneof(fc.func(hostile), hostile), errorClass),
    call: (n, c) => canonical.readClock(n as never, (c ?? CanonicalError) as never),
  },
  nonceStoreKey: {
    args: fc.tuple(near(fc.array(near(text), { maxLength: 3 })), near(text)),
    call: (s, n) => canonical.nonceStoreKey(s as string[], n as string),
  },
  assertNonceClaim: {
    args: fc.tuple(
      near(fc.record({ scope: near(fc.array(near(text), { maxLength: 3 })), nonce: near(text), deadline: near(ms), now: near(ms) })),
      errorClass,
    ),
    call: (c, e) => canonical.assertNonceClaim(c, (e ?? CanonicalError) as never),
  },
  formatDay: { args: fc.tuple(near(ms), near(zone)), call: (d, z) => canonical.formatDay(d as never, z as string) },
  parseDay: { args: fc.tuple(near(dayText)), call: (t) => canonical.parseDay(t as string) },
  utf8: { args: fc.tuple(near(text)), call: (t) => canonical.utf8(t as string) },
  toHex: { args: fc.tuple(near(bytes)), call: (b) => canonical.toHex(b as Uint8Array) },
  fromHex: {
    args: fc.tuple(near(fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF') }), text))),
    call: (t) => canonical.fromHex(t as string),
  },
  toBase64: { args: fc.tuple(near(bytes)), call: (b) => canonical.toBase64(b as Uint8Array) },
  fromBase64: {
    args: fc.tuple(
      near(
        fc.oneof(
          bytes.map((b) => Buffer.from(b).toString('base64')),
          fc.base64String(),
          text,
        ),
      ),
    ),
    call: (t) => canonical.fromBase64(t as string),
  },
  encodeNonAscii: { args: fc.tuple(near(text)), call: (t) => canonical.encodeNonAscii(t as string) },
  timingSafeEqual: {
    args: fc.tuple(near(fc.oneof(text, bytes)), near(fc.oneof(text, bytes))),
    call: (a, b) => canonical.timingSafeEqual(a as string, b as string),
  },
  boundedCache: {
    args: fc.tuple(near(fc.integer({ min: -2, max: 4 })), fc.array(fc.tuple(hostile, near(fc.func(hostile))), { maxLength: 5 })),
    call: (size, gets) => {
      const cache = canonical.boundedCache(size as number);
      for (const [k, make] of gets as Array<[unknown, unknown]>) cache.get(k, make as never);
      return cache.size;
    },
  },
  subtleCrypto: { args: fc.tuple(errorClass), call: (c) => canonical.subtleCrypto(c as never) },
  randomFill: { args: fc.tuple(near(bytes), errorClass), call: (b, c) => canonical.randomFill(b as Uint8Array, c as never) },
  resendable: {
    args: fc.tuple(near(fc.tuple(urlish, fc.constantFrom('GET', 'POST', 'PUT'), fc.option(fc.string())))),
    call: (r) => {
      if (!Array.isArray(r)) return canonical.resendable(r as never);
      const [url, method, body] = r as [string, string, string | null];
      let request: Request;
      try {
        request = new Request(new URL(url, 'https://h.example'), { method, body: method === 'GET' ? null : body });
      } catch {
        return undefined; // Not a Request the platform makes: nothing of ours to call.
      }
      return canonical.resendable(request);
    },
  },
  removeDotSegments: { args: fc.tuple(near(urlish)), call: (p) => canonical.removeDotSegments(p as string) },
  percentDecodedBytes: { args: fc.tuple(near(urlish)), call: (t) => canonical.percentDecodedBytes(t as string) },
  // A name of the caller's: unreserved (the auth and api_key names) or anything else (ERR_INVALID_ARGUMENT); the
  // source it gives must compile, with and without the unicode flag.
  percentSpellings: {
    args: fc.tuple(near(fc.oneof(fc.constantFrom('authkeyid', 'api_key', 'a.b-c~', ''), text))),
    call: (n) => {
      const source = canonical.percentSpellings(n as string);
      new RegExp(source);
      new RegExp(source, 'u');
      return source;
    },
  },
  firstDifference: { args: fc.tuple(near(text), near(text)), call: (a, b) => canonical.firstDifference(a as string, b as string) },
  targetVariants: {
    args: fc.tuple(near(urlish), variantOptions),
    call: (t, o) => canonical.targetVariants(t as string, o as never),
  },
  findTargetChange: {
    args: fc.tuple(near(urlish), near(urlish), variantOptions),
    call: (a, b, o) => canonical.findTargetChange(a as string, b as string, o as never),
  },
  // The signing clients' send loop and its parts: what a server answers is any answer; a wait ends at once (its
  // signal is aborted with a typed reason, which is what a caller's abort rejects with).
  retryAfterMs: {
    args: fc.tuple(
      near(fc.oneof(fc.constantFrom('0', '120', '-1', '1.5', '', 'Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT'), text)),
      // The clock is the client's own: any number.
      fc.oneof(fc.integer(), fc.double()),
    ),
    call: (v, now) => canonical.retryAfterMs(v as string, now as number),
  },
  // The retry count and the bound are the client's own (trusted): every number form, nothing else.
  backoffMs: {
    args: fc.tuple(fc.oneof(fc.integer({ min: -1, max: 64 }), fc.double()), fc.oneof(fc.integer({ min: -1, max: 2 ** 31 }), fc.double())),
    call: (n, max) => canonical.backoffMs(n as number, max as number),
  },
  // The milliseconds are the client's own (trusted): every number form, nothing else.
  delay: {
    args: fc.tuple(fc.oneof(fc.integer({ min: -5, max: 2 ** 31 }), fc.double())),
    call: (ms) => {
      const controller = new AbortController();
      const waiting = canonical.delay(ms as number, controller.signal);
      controller.abort(new CanonicalError('ERR_INVALID_ARGUMENT', 'aborted by the fuzz run'));
      return waiting;
    },
  },
  discard: { args: fc.tuple(serverAnswers), call: (answer) => canonical.discard((answer as () => Response)()) },
  peekBody: {
    args: fc.tuple(serverAnswers, near(fc.integer({ min: -1, max: 1000 }))),
    call: (answer, limit) => canonical.peekBody((answer as () => Response)(), limit as number),
  },
  defaultWarningHandler: {
    args: fc.tuple(fc.record({ code: fc.constantFrom('WARN_FUZZ'), message: text })),
    call: (w) => canonical.defaultWarningHandler(w as never),
  },
  retryOn503With: {
    args: fc.tuple(errorClass, options({ attempts: fc.integer({ min: -1, max: 11 }), maxDelayMs: fc.integer({ min: -1, max: 3 }) })),
    call: (c, o) => canonical.retryOn503With((c ?? CanonicalError) as never)(o as never),
  },
  sendWithRetries: {
    args: fc.tuple(
      serverAnswers,
      fc.boolean(),
      fc.constantFrom<unknown>(
        undefined,
        canonical.retryOn503With(CanonicalError)({ attempts: 3, maxDelayMs: 0 }),
        async () => true,
        () => 'yes',
        async () => {
          throw new CanonicalError('ERR_INVALID_ARGUMENT', 'a strategy that fails');
        },
      ),
      fc.boolean(),
    ),
    call: (answer, canResend, retry, clock) =>
      canonical.sendWithRetries({
        send: async () => (answer as () => Response)(),
        canResend: canResend as boolean,
        signal: undefined,
        retry: retry as never,
        clockRetry: async () => clock as boolean,
        Err: CanonicalError,
      }),
  },
  editDistance: {
    args: fc.tuple(
      near(text),
      near(text),
      fc.option(near(fc.oneof(fc.nat({ max: 8 }), fc.double({ min: 0, max: 8 }))), { nil: undefined }),
    ),
    call: (a, b, limit) => canonical.editDistance(a as string, b as string, limit as number),
  },
  closest: {
    args: fc.tuple(near(text), near(fc.array(text, { maxLength: 5 })), fc.option(near(fc.nat({ max: 5 })), { nil: undefined })),
    call: (w, c, m) => canonical.closest(w as string, c as string[], m as number),
  },
  didYouMean: {
    args: fc.tuple(near(text), near(fc.array(text, { maxLength: 5 }))),
    call: (w, c) => canonical.didYouMean(w as string, c as string[]),
  },
  assertKnownOptions: {
    args: fc.tuple(near(fc.dictionary(text, hostile, { maxKeys: 3 })), near(fc.array(text, { maxLength: 5 })), near(text), errorClass),
    call: (o, k, w, c) => canonical.assertKnownOptions(o as object, k as string[], w as string, c as never),
  },
  // `known` and `where` are the package's own (trusted): the options are what a caller passes.
  assertOptionNames: {
    args: fc.tuple(near(fc.dictionary(text, hostile, { maxKeys: 3 })), fc.constantFrom(['a', 'b'], ['date', 'expires']), errorClass),
    call: (o, k, c) => canonical.assertOptionNames(o as object, k as string[], 'sign', c as never),
  },
  stageOf: {
    args: fc.tuple(near(text), near(fc.array(near(fc.tuple(near(text), near(fc.option(text, { nil: null })))), { maxLength: 3 }))),
    call: (n, v) => canonical.stageOf(n as string, v as never),
  },
};

describe('@reqsign/canonical', () => {
  it('has an entry for every exported function', () => {
    expect(unfuzzedExports(canonical, Object.keys(ENTRIES), ['ReqsignError', 'CanonicalError', 'NonceStoreError'])).toEqual([]);
  });

  for (const [name, { args, call }] of Object.entries(ENTRIES)) {
    it(`${name}: returns or throws a typed error for any input`, async () => {
      expectClean(await fuzz(`canonical.${name}`, args, call));
    });
  }
});

describe('@reqsign/canonical against its specification', () => {
  it('fromBase64 accepts exactly what Buffer writes, for any UTF-16 text (low-byte twins of digits included)', () => {
    const strings = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 24 }),
      twinned(bytes.map((b) => Buffer.from(b).toString('base64'))),
      fc.array(fc.oneof(lowByteTwin, fc.constantFrom('A', 'Q', 'w', '=', '+', '/')), { maxLength: 12 }).map((c) => c.join('')),
      bytes.map((b) => Buffer.from(b).toString('base64')),
    );
    const wrong: string[] = [];
    for (const { value: t, seed } of draw(strings, RUNS)) {
      let got: string;
      try {
        got = Buffer.from(canonical.fromBase64(t)).toString('base64');
      } catch (err) {
        got = (err as { code: string }).code;
      }
      // The oracle: the one encoding Buffer writes for the bytes its (lenient) decoder reads; only that text is valid.
      const strict = Buffer.from(t, 'base64').toString('base64') === t;
      if ((strict ? t : 'ERR_BASE64') !== got && wrong.length < 4) wrong.push(`${JSON.stringify(t)}: ${got} (${replay(seed)})`);
    }
    expect(wrong).toEqual([]);
  });

  it('a URL to sign is measured without its fragment, a received target whole (canonical.md)', () => {
    const input = fc.tuple(near(urlish, 6), fc.string({ unit: 'binary', maxLength: 120 }), fc.integer({ min: 1, max: 100 }));
    const wrong: string[] = [];
    for (const {
      value: [u, fragment, max],
      seed,
    } of draw(input, RUNS)) {
      if (typeof u !== 'string' || u.includes('#') || u.length === 0) continue;
      const url = `${u}#${fragment}`;
      const code = (f: () => unknown): string | null => {
        try {
          f();
          return null;
        } catch (err) {
          return (err as { code: string }).code;
        }
      };
      const toSign = code(() => canonical.parseRequestTarget(url, { maxLength: max }));
      const received = code(() => canonical.parseReceivedTarget(url, { maxLength: max }));
      const ok = u.length > max === (toSign === 'ERR_TARGET_TOO_LONG') && url.length > max === (received === 'ERR_TARGET_TOO_LONG');
      if (!ok && wrong.length < 4) wrong.push(`${JSON.stringify(url)} max ${max}: sign ${toSign}, received ${received} (${replay(seed)})`);
    }
    expect(wrong).toEqual([]);
  });
});
