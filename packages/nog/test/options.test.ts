/**
 * Option names and units (README, "Units and ranges"): every option-taking entry refuses a name it does not know,
 * with the one meant; a seconds option refuses a value only milliseconds would mean, with the range in the message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnose/node.js';
import { builds, KEY, KEYS, node } from './helpers.js';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  return expect.unreachable('no error');
};

describe.each(builds)('option names (%s)', (_name, build) => {
  it('createVerifier refuses an unknown option with the one meant, at creation, whatever its value', () => {
    expect(refused(() => build.createVerifier({ keys: KEYS, maxClockSkw: 900 } as never))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: 'createVerifier: unknown option "maxClockSkw" (did you mean maxClockSkew?)',
    });
    expect(refused(() => build.createVerifier({ keys: KEYS, keyLookupTimeout: 10 } as never)).message).toContain(
      '(did you mean keyLookupTimeoutMs?)',
    );
    expect(refused(() => build.createVerifier({ keys: KEYS, requirenonce: undefined } as never)).message).toContain(
      '(did you mean requireNonce?)',
    );
    expect(refused(() => build.createVerifier({ keys: KEYS, prefixes: ['/api'] } as never)).message).toBe(
      'createVerifier: unknown option "prefixes"',
    );
    // Every documented name is taken.
    expect(() =>
      build.createVerifier({
        keys: KEYS,
        keyLookupTimeoutMs: 10,
        now: Date.now,
        defaultExpires: 300,
        maxExpiresWithNonce: 3600,
        maxExpires: 600,
        maxClockSkew: 900,
        requireNonce: false,
        nonceStore: new build.MemoryNonceStore(),
        maxUrlLength: 100,
      }),
    ).not.toThrow();
  });

  it('sign refuses an unknown option, naming the options (rejecting, as for every bad argument)', async () => {
    // sign goes into browser bundles: it names the options there are rather than guessing (no edit distance).
    await expect(build.sign('GET', '/p', KEY, { expire: 60 } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: 'sign: unknown option "expire" (the options are date, expires, nonce, maxUrlLength, onWarning)',
    });
    await expect(build.sign('GET', '/p', KEY, { nonce: false, data: 0 } as never)).rejects.toThrow('unknown option "data"');
  });

  it('createNogFetch refuses an unknown option when it is made, naming the options', () => {
    expect(() => build.createNogFetch({ key: KEY, clockOfset: 5 } as never)).toThrow(
      'createNogFetch: unknown option "clockOfset" (the options are key, baseUrl, fetch, expires, nonce, clockOffset, correctClock, retry, onWarning)',
    );
  });

  it('MemoryNonceStore and diagnose refuse unknown options', async () => {
    expect(refused(() => new build.MemoryNonceStore({ maxEntris: 5 } as never)).message).toBe(
      'MemoryNonceStore: unknown option "maxEntris" (did you mean maxEntries?)',
    );
    await expect(diagnose('GET', '/p', { keys: KEYS, prefix: ['/api'] } as never)).rejects.toThrow(
      'diagnose: unknown option "prefix" (did you mean prefixes?)',
    );
    // diagnose takes the verifier's options and its own.
    await expect(diagnose('GET', '/p', { keys: KEYS, maxClockSkew: 60, prefixes: ['/api'] })).resolves.toMatchObject({ valid: false });
  });
});

describe('options are read once', () => {
  it('a verifier made goes on verifying whatever later happens to its options object (verify checks none)', async () => {
    const options: Record<string, unknown> = { keys: KEYS, maxClockSkew: 60 };
    const verifier = node.createVerifier(options as never);
    options.maxClockSkw = 1;
    options.maxClockSkew = 'x';
    const { url } = node.signSync('GET', '/p', KEY);
    await expect(verifier.verify('GET', url)).resolves.toMatchObject({ ok: true });
  });
});

describe('the units of the verifier options', () => {
  const make = (o: object) => () => node.createVerifier({ keys: KEYS, ...o });

  it('refuses a seconds option given in milliseconds, with the unit and range in the message', () => {
    const cases: Array<[string, number, string]> = [
      ['maxClockSkew', 900_000, 'maxClockSkew must be a whole number of seconds from 0 to 3600'],
      ['defaultExpires', 300_000, 'defaultExpires must be a whole number of seconds from 0 to 86400'],
      ['maxExpiresWithNonce', 3_600_000, 'maxExpiresWithNonce must be a whole number of seconds from 0 to 604800'],
      ['maxExpires', 86_400_000, 'maxExpires must be a whole number of seconds from 0 to 31622400'],
    ];
    for (const [name, value, message] of cases) {
      expect(refused(make({ [name]: value })), name).toMatchObject({ code: 'ERR_OPTION_RANGE', message });
    }
    expect(refused(make({ keyLookupTimeoutMs: 2 ** 31 })).message).toBe(
      'keyLookupTimeoutMs must be a whole number of milliseconds from 1 to 2147483647',
    );
  });

  it('a count option (maxUrlLength, maxEntries) refuses with its range in the message: 1e20 is a whole number, past the end', async () => {
    const message = (name: string) => `${name} must be a whole number from 1 to 2^53 - 1`;
    for (const v of [0, -1, 1.5, 1e20, 2 ** 53]) {
      expect(refused(make({ maxUrlLength: v })), String(v)).toMatchObject({
        code: 'ERR_OPTION_RANGE',
        message: 'maxUrlLength must be a whole number of UTF-16 code units from 1 to 9007199254740991',
      });
      expect(
        refused(() => new node.MemoryNonceStore({ maxEntries: v })),
        String(v),
      ).toMatchObject({
        code: 'ERR_OPTION_RANGE',
        message: message('maxEntries'),
      });
      await expect(node.sign('GET', '/p', KEY, { maxUrlLength: v })).rejects.toMatchObject({
        code: 'ERR_OPTION_RANGE',
        message: message('options.maxUrlLength'),
      });
    }
    expect(make({ maxUrlLength: 2 ** 53 - 1 })).not.toThrow();
    expect(() => new node.MemoryNonceStore({ maxEntries: 2 ** 53 - 1 })).not.toThrow();
    // nog-v1.md: "The signer's maxUrlLength has the same range and code": both ends taken (1 is in range; the URL is
    // then too long, which is another code).
    await expect(node.sign('GET', '/p', KEY, { maxUrlLength: 2 ** 53 - 1 })).resolves.toMatchObject({ expires: 600 });
    await expect(node.sign('GET', '/p', KEY, { maxUrlLength: 1 })).rejects.toMatchObject({ code: 'ERR_TARGET_TOO_LONG' });
  });

  it('takes every value of the ranges, and nothing beyond their ends', () => {
    const ranges = { maxClockSkew: 3600, defaultExpires: 86_400, maxExpiresWithNonce: 604_800, maxExpires: 31_622_400 };
    fc.assert(
      fc.property(fc.constantFrom(...Object.entries(ranges)), fc.integer({ min: -1e12, max: 1e12 }), ([name, max], v) => {
        const ok = v >= 0 && v <= max;
        if (ok) expect(make({ [name]: v })).not.toThrow();
        else expect(make({ [name]: v })).toThrow(expect.objectContaining({ code: 'ERR_OPTION_RANGE' }));
      }),
    );
    for (const [name, max] of Object.entries(ranges)) {
      expect(make({ [name]: 0 })).not.toThrow();
      expect(make({ [name]: max })).not.toThrow();
      expect(make({ [name]: max + 1 })).toThrow(expect.objectContaining({ code: 'ERR_OPTION_RANGE' }));
    }
  });
});
