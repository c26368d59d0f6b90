import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BACKOFF_BASE_MS,
  CanonicalError,
  backoffMs,
  defaultWarningHandler,
  delay,
  peekBody,
  MAX_SENDS,
  retryOn503With,
  retryAfterMs,
  sendWithRetries,
} from '../src/index.js';

/** Timers this process holds (Node's own count: what a leaked wait would leave behind). */
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('retryAfterMs', () => {
  it('reads the three HTTP-date forms of RFC 9110 5.6.7 as the same instant', () => {
    // The RFC's own example, in each form: 1994-11-06T08:49:37Z is 784111777 seconds after the epoch.
    for (const form of ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994']) {
      expect(retryAfterMs(form, 784_111_777_000 - 5_000)).toBe(5_000);
      expect(retryAfterMs(form, 784_111_777_000 + 5_000)).toBe(0);
    }
  });

  it('reads delay-seconds as whole seconds, and any IMF-fixdate to the millisecond', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 9 }), (s) => retryAfterMs(String(s), 0) === s * 1000 && retryAfterMs(` ${s} `, 0) === s * 1000),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), fc.integer({ min: -1_000_000, max: 1_000_000 }), (seconds, back) => {
        const at = seconds * 1000;
        return retryAfterMs(new Date(at).toUTCString(), at - back) === Math.max(0, back);
      }),
    );
  });

  it('is undefined for no header and for what is neither form', () => {
    for (const bad of [
      null,
      undefined,
      '',
      '-1',
      '1.5',
      '1e3',
      '0x10',
      'soon',
      '2026-12-06T13:00:00Z',
      'Sun, 06 Nov 1994 08:49:37',
      '12 Dec 2026',
    ]) {
      expect(retryAfterMs(bad, 0)).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const got = retryAfterMs(text, 0);
        return got === undefined || ((Number.isFinite(got) || got === Infinity) && got >= 0);
      }),
    );
  });
});

describe('backoffMs', () => {
  it('is a random part of 100 * 2^n ms, capped at maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.nat({ max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, max, r) => {
          const got = backoffMs(n, max, () => r);
          const step = Math.min(max, BACKOFF_BASE_MS * 2 ** n);
          return Number.isInteger(got) && got >= 0 && got <= step && (step === 0 || got < step) && got === Math.floor(r * step);
        },
      ),
    );
  });
});

describe('retryOn503With', () => {
  it('checks its options, with the range in the message, and throws the error class it is bound to', () => {
    const retryOn503 = retryOn503With(CanonicalError);
    for (const ok of [undefined, {}, { attempts: 1, maxDelayMs: 0 }, { attempts: 10, maxDelayMs: 2 ** 31 - 1 }]) {
      expect(typeof retryOn503(ok)).toBe('function');
    }
    for (const bad of [0, 11, 2.5, Number.NaN, '3']) {
      expect(() => retryOn503({ attempts: bad as never })).toThrow(/from 1 to 10/);
    }
    for (const bad of [-1, 2 ** 31, 1.5, '5']) {
      expect(() => retryOn503({ maxDelayMs: bad as never })).toThrow(/from 0 to 2147483647/);
    }
    expect(() => retryOn503('yes' as never)).toThrow(expect.objectContaining({ name: 'CanonicalError', code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('delay', () => {
  it('rejects at once with the reason of a signal aborted during the wait, and clears its timer', async () => {
    const before = timers();
    const controller = new AbortController();
    const waiting = delay(600_000, controller.signal);
    expect(timers()).toBe(before + 1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(timers()).toBe(before);
  });

  it('rejects without waiting when the signal is already aborted, with an AbortError when it has no reason', async () => {
    const before = timers();
    const controller = new AbortController();
    controller.abort();
    await expect(delay(600_000, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(timers()).toBe(before);
  });

  it('resolves after the wait without a signal', async () => {
    await expect(delay(0)).resolves.toBeUndefined();
    await expect(delay(0, new AbortController().signal)).resolves.toBeUndefined();
  });
});

describe('defaultWarningHandler', () => {
  afterEach(() => vi.restoreAllMocks());

  it('goes to process.emitWarning as a ReqsignWarning with its code, each distinct warning once', () => {
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const warning = { code: 'WARN_TEST_ONCE', message: `a test warning ${Math.random()}` };
    defaultWarningHandler(warning);
    defaultWarningHandler({ ...warning });
    defaultWarningHandler({ ...warning, message: `${warning.message} (another)` });
    expect(emitted.mock.calls).toEqual([
      [warning.message, { type: 'ReqsignWarning', code: 'WARN_TEST_ONCE' }],
      [`${warning.message} (another)`, { type: 'ReqsignWarning', code: 'WARN_TEST_ONCE' }],
    ]);
  });

  it('goes to console.warn where there is no process.emitWarning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const emit = process.emitWarning;
    (process as { emitWarning?: unknown }).emitWarning = undefined;
    try {
      defaultWarningHandler({ code: 'WARN_TEST_CONSOLE', message: 'no process here' });
    } finally {
      process.emitWarning = emit;
    }
    expect(warn.mock.calls).toEqual([['ReqsignWarning [WARN_TEST_CONSOLE]: no process here']]);
  });
});

describe('peekBody', () => {
  it('reads about limit characters from a clone, stops there, and leaves the response whole', async () => {
    let pulled = 0;
    const chunk = 'x'.repeat(1000);
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        if (pulled > 1000) c.close();
        else c.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const response = new Response(body);
    const text = await peekBody(response, 4096);
    expect(text).toBe(chunk.repeat(5));
    // The response itself is untouched: all of it is still there to read.
    expect((await response.text()).length).toBe(1000 * 1000);
    expect(await peekBody(new Response(null), 10)).toBe('');
    expect(await peekBody(new Response('{"a":1}'), 10)).toBe('{"a":1}');
  });
});

describe('sendWithRetries', () => {
  const loop = (retry: unknown, clock: boolean, canResend = true) => {
    let sends = 0;
    let clockAsked = 0;
    const done = sendWithRetries({
      send: async () => {
        sends++;
        return new Response(null, { status: 503 });
      },
      canResend,
      signal: undefined,
      retry: retry as never,
      clockRetry: async () => {
        clockAsked++;
        return clock;
      },
      Err: CanonicalError,
    });
    return done.then((response) => ({ response, sends, clockAsked }));
  };

  it("a strategy that always says yes (a caller's own) ends at MAX_SENDS sends, with the last response", async () => {
    // It says yes up to 100 sends: without the bound the test ends there (and fails) instead of never.
    const { response, sends } = await loop(async (_r: Response, n: number) => n < 100, false);
    expect(response.status).toBe(503);
    expect(sends).toBe(MAX_SENDS);
  });

  it("the clock's resend counts among the MAX_SENDS, and comes once", async () => {
    const { sends, clockAsked } = await loop(async (_r: Response, n: number) => n < 100, true);
    expect(sends).toBe(MAX_SENDS);
    expect(clockAsked).toBe(1);
  });

  it('only true sends again: a truthy answer of another kind returns the response', async () => {
    for (const answer of [1, 'yes', {}, [], () => true]) {
      expect((await loop(async () => answer, false)).sends).toBe(1);
      expect((await loop(() => answer, false)).sends).toBe(1);
    }
  });

  it('a body that cannot be sent twice is sent once, whatever the strategy and the clock say', async () => {
    const { sends, clockAsked } = await loop(async () => true, true, false);
    expect(sends).toBe(1);
    expect(clockAsked).toBe(1);
  });

  it('a fetch that resolves to no response is a typed error, not a TypeError', async () => {
    for (const answer of [undefined, null, 'ok', {}, { status: 200 }, { headers: {} }]) {
      const p = sendWithRetries({
        send: async () => answer as never,
        canResend: true,
        signal: undefined,
        retry: undefined,
        clockRetry: async () => false,
        Err: CanonicalError,
      });
      await expect(p).rejects.toMatchObject({ name: 'CanonicalError', code: 'ERR_INVALID_ARGUMENT' });
    }
  });
});
