import { describe, expect, it, vi } from 'vitest';
import { failureBody, NogError, type NonceClaim, type NonceStore, type VerifyFailure } from '../src/index.js';
import { builds, DATE_MS, KEY, KEYS, node } from './helpers.js';

const NOW = DATE_MS + 60_000;
const signed = (o: { nonce?: string | false; expires?: number; url?: string } = {}) =>
  node.signSync('GET', o.url ?? '/api/blobs/abc?x=1', KEY, { date: DATE_MS, nonce: o.nonce ?? '0123456789', expires: o.expires ?? 600 })
    .url;

/** A real store that records what it was asked, in front of a memory store. */
class RecordingStore implements NonceStore {
  readonly claims: NonceClaim[] = [];
  readonly inner: NonceStore;
  constructor(inner: NonceStore) {
    this.inner = inner;
  }
  claim(c: NonceClaim): boolean | Promise<boolean> {
    this.claims.push(c);
    return this.inner.claim(c);
  }
}

for (const [name, build] of builds) {
  describe(`createVerifier (${name})`, () => {
    const make = (extra: Record<string, unknown> = {}) => build.createVerifier({ keys: KEYS, now: () => NOW, ...extra });

    it("answers with the original's messages and HTTP 401", async () => {
      const v = make();
      const cases: Array<[string, string, string]> = [
        ['/p', 'ERR_AUTH_FIELD_MISSING', 'Invalid signature (missing authkeyid).'],
        [signed().replace(/&authsignature=.*/, ''), 'ERR_AUTH_FIELD_MISSING', 'Invalid signature (missing authsignature).'],
        [signed().replace(/authdate=[^&]*&/, ''), 'ERR_AUTH_FIELD_MISSING', 'Invalid signature (missing authdate).'],
        [signed().replace('authdate=2015-04-20T123456Z', 'authdate=x'), 'ERR_AUTH_DATE_INVALID', 'Invalid authdate'],
        [signed({ expires: 1 }), 'ERR_AUTH_SIG_EXPIRED', 'Expired signature'],
        [signed().replace(KEY.id, 'f'.repeat(20)), 'ERR_AUTH_KEY_UNKNOWN', 'Unknown key.'],
        [signed().replace('x=1', 'x=2'), 'ERR_AUTH_SIG_INVALID', 'Invalid signature.'],
        [signed({ expires: 4000 }), 'ERR_AUTH_EXPIRES_INVALID', 'Invalid expires.'],
      ];
      for (const [url, code, message] of cases) {
        expect(await v.verify('GET', url)).toEqual({ ok: false, code, message, status: 401 });
      }
      expect((await v.verify('GET', signed())).ok).toBe(true);
      expect(await v.verify('GET', signed())).toEqual({
        ok: false,
        code: 'ERR_AUTH_NONCE_INVALID',
        message: 'Invalid nonce.',
        status: 401,
      });
    });

    it('accepts keys as a record, a Map, a function and an async function', async () => {
      const url = signed({ nonce: false });
      for (const keys of [KEYS, new Map(Object.entries(KEYS)), (id: string) => KEYS[id], async (id: string) => KEYS[id]]) {
        expect((await make({ keys }).verify('GET', url)).ok).toBe(true);
      }
    });

    it('does not find key ids in the prototype of a record', async () => {
      const v = make();
      for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const u = node
          .signSync('GET', '/p', { id: id.replace(/_/g, '-'), secret: 's' }, { date: DATE_MS })
          .url.replace(id.replace(/_/g, '-'), id);
        expect(await v.verify('GET', u)).toMatchObject({ code: 'ERR_AUTH_KEY_UNKNOWN' });
      }
    });

    it('treats null, undefined and "" from a key function as unknown, and a non-string as a programming error', async () => {
      for (const secret of [null, undefined, '']) {
        expect(await make({ keys: () => secret }).verify('GET', signed())).toMatchObject({ code: 'ERR_AUTH_KEY_UNKNOWN' });
      }
      await expect(make({ keys: () => 42 }).verify('GET', signed())).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      await expect(make({ keys: async () => 42 }).verify('GET', signed())).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    });

    it('claims the nonce only after the signature checks out, scoped, kept until the signature deadline', async () => {
      const store = new RecordingStore(new build.MemoryNonceStore());
      const v = make({ nonceStore: store });
      expect((await v.verify('GET', signed().replace('x=1', 'x=2'))).ok).toBe(false);
      expect((await v.verify('GET', signed({ expires: 3601 }))).ok).toBe(false);
      expect(store.claims).toEqual([]);
      expect((await v.verify('GET', signed())).ok).toBe(true);
      expect(store.claims).toEqual([
        { keyId: KEY.id, authdate: '2015-04-20T123456Z', nonce: '0123456789', expiresAt: DATE_MS + 600_000, now: NOW },
      ]);
    });

    it('step 1 in its order: the three fields, then authalgorithm, then the nonce that requireNonce asks for', async () => {
      // nog-v1.md, Verification, step 1: "authkeyid, authsignature and authdate must be present, checked in that
      // order ... Then (new) authalgorithm, when present, must be exactly nog-v1 ... With requireNonce, authnonce must
      // be present". Each pair of failures at once: the earlier check names the code (the vectors hold the others).
      const v2 = signed({ nonce: false }).replace('authalgorithm=nog-v1', 'authalgorithm=nog-v2');
      const strict = make({ requireNonce: true });
      for (const field of ['authkeyid', 'authsignature', 'authdate']) {
        const without = v2.replace(new RegExp(`&${field}=[^&]*`), '');
        expect(await strict.verify('GET', without), field).toMatchObject({
          code: 'ERR_AUTH_FIELD_MISSING',
          message: `Invalid signature (missing ${field}).`,
        });
      }
      expect(await strict.verify('GET', v2)).toMatchObject({ code: 'ERR_AUTH_ALGORITHM_UNSUPPORTED' });
      expect(await strict.verify('GET', signed({ nonce: false }))).toMatchObject({
        code: 'ERR_AUTH_FIELD_MISSING',
        message: 'Invalid signature (missing authnonce).',
      });
    });

    it('compares the signature in constant time: as many characters read wherever the first difference lies', async () => {
      // README and nog-v1.md, step 5: "compared in constant time". Counted, not timed: every comparison reads the
      // characters it compares through String.prototype.charCodeAt, so a comparison that stops at the first
      // difference reads fewer for a signature wrong in its first character than for one wrong in its last.
      const v = make();
      const url = signed();
      const sig = url.slice(-64);
      const flip = (i: number) => `${url.slice(0, -64)}${sig.slice(0, i)}${sig[i] === '0' ? '1' : '0'}${sig.slice(i + 1)}`;
      const reads = async (u: string): Promise<number> => {
        const spy = vi.spyOn(String.prototype, 'charCodeAt');
        try {
          expect(await v.verify('GET', u)).toMatchObject({ code: 'ERR_AUTH_SIG_INVALID' });
          return spy.mock.calls.length;
        } finally {
          spy.mockRestore();
        }
      };
      await v.verify('GET', flip(0)); // warm: whatever is cached per secret or key is made before counting
      const counts = [await reads(flip(0)), await reads(flip(31)), await reads(flip(63))];
      expect(counts[0]).toBeGreaterThanOrEqual(64);
      expect(new Set(counts).size).toBe(1);
    });

    it('fails closed with ERR_AUTH_NONCE_STORE (503) when the store throws, rejects or answers nonsense, keeping the cause', async () => {
      const down = new Error('down');
      const nonsense = (kind: string) =>
        expect.objectContaining({
          name: 'NonceStoreError',
          code: 'ERR_NONCE_STORE_REPLY',
          message: `Nonce store claim gave ${kind}, not a boolean`,
        });
      const stores: Array<[NonceStore, unknown]> = [
        [
          {
            claim: () => {
              throw down;
            },
          },
          down,
        ],
        [{ claim: () => Promise.reject(down) }, down],
        [{ claim: () => 'yes' as never }, nonsense('string')],
        [{ claim: async () => undefined as never }, nonsense('undefined')],
        [{ claim: async () => null as never }, nonsense('null')],
      ];
      for (const [nonceStore, cause] of stores) {
        const result = await make({ nonceStore }).verify('GET', signed());
        expect(result).toEqual({ ok: false, code: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.', status: 503, cause });
        if (cause === down) expect((result as { cause: unknown }).cause).toBe(down);
        // The body a server sends is the fixed one: the cause stays with the operator.
        expect(failureBody(result as VerifyFailure)).toBe(
          '{"statusCode":503,"errorCode":"ERR_AUTH_NONCE_STORE","message":"Nonce store unavailable."}',
        );
      }
      // A 401 has no cause.
      const replay = make({ nonceStore: { claim: async () => false } });
      expect('cause' in (await replay.verify('GET', signed()))).toBe(false);
      expect((await make({ nonceStore: { claim: async () => true } }).verify('GET', signed())).ok).toBe(true);
      // Without a nonce the store is never asked.
      expect((await make({ nonceStore: stores[0]![0] }).verify('GET', signed({ nonce: false }))).ok).toBe(true);
    });

    it('uses the same clock for its default store (on Date.now, 2015 entries would be dropped at once)', async () => {
      let t = DATE_MS + 5_000;
      const v = make({ now: () => t });
      expect((await v.verify('GET', signed({ expires: 10 }))).ok).toBe(true);
      t = DATE_MS + 10_000;
      expect(await v.verify('GET', signed({ expires: 10 }))).toMatchObject({ code: 'ERR_AUTH_NONCE_INVALID' });
    });

    it('refuses URLs longer than maxUrlLength as malformed, and accepts a signed 8 KiB target', async () => {
      const long = signed({ url: `/${'a'.repeat(8191)}` });
      expect(long.length).toBeGreaterThan(8192);
      expect((await make().verify('GET', long)).ok).toBe(true);
      expect(await make({ maxUrlLength: 8192 }).verify('GET', long)).toMatchObject({ code: 'ERR_AUTH_MALFORMED' });
    });

    it('rejects bad options and argument types with typed errors', async () => {
      const bad: Array<[unknown, string]> = [
        [undefined, 'ERR_INVALID_ARGUMENT'],
        [{}, 'ERR_INVALID_ARGUMENT'],
        [{ keys: 'k' }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: { a: 1 } }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, now: 1 }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, defaultExpires: -1 }, 'ERR_OPTION_RANGE'],
        [{ keys: KEYS, maxExpiresWithNonce: 1.5 }, 'ERR_OPTION_RANGE'],
        [{ keys: KEYS, maxExpires: '600' }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, maxClockSkew: Number.POSITIVE_INFINITY }, 'ERR_OPTION_RANGE'],
        [{ keys: KEYS, maxUrlLength: 0 }, 'ERR_OPTION_RANGE'],
        [{ keys: KEYS, requireNonce: 'yes' }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, nonceStore: {} }, 'ERR_INVALID_ARGUMENT'],
      ];
      for (const [options, code] of bad) expect(() => build.createVerifier(options as never)).toThrow(expect.objectContaining({ code }));
      await expect(make().verify(undefined as never, '/p')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      await expect(make().verify('GET', null as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    });

    it('exposes its defaults', () => {
      expect(build.VERIFIER_DEFAULTS).toEqual({
        defaultExpires: 300,
        maxExpiresWithNonce: 3600,
        maxClockSkew: 900,
        maxUrlLength: 16384,
        keyLookupTimeoutMs: 5000,
      });
    });

    it('fails closed on a clock that is not one: ERR_CLOCK_INVALID, never a verification without expiry', async () => {
      // An expired signature (authdate 2015) and an unsigned URL: neither may pass whatever now() returns.
      const expired = signed({ expires: 1 });
      const clocks: Array<[string, () => unknown]> = [
        ['a Date', () => new Date(NOW)],
        ['NaN', () => Number.NaN],
        ['Infinity', () => Number.POSITIVE_INFINITY],
        ['-Infinity', () => Number.NEGATIVE_INFINITY],
        ['undefined', () => undefined],
        ['an object', () => ({})],
        ['a BigInt', () => BigInt(NOW)],
        ['a numeric string', () => String(NOW)],
        [
          'a throw',
          () => {
            throw new Error('clock broke');
          },
        ],
      ];
      for (const [what, now] of clocks) {
        const v = make({ now });
        for (const url of [expired, signed(), '/p']) {
          const err = await v.verify('GET', url).then(
            (r) => r,
            (e: unknown) => e,
          );
          expect(err, what).toBeInstanceOf(build.NogError);
          expect((err as InstanceType<typeof build.NogError>).code, what).toBe('ERR_CLOCK_INVALID');
        }
      }
      // A finite number is a clock, whatever it says: far in the future the signature is expired, not accepted.
      expect(await make({ now: () => 8.64e15 }).verify('GET', signed())).toMatchObject({ ok: false, code: 'ERR_AUTH_SIG_EXPIRED' });
    });

    it('fails a key lookup that throws, rejects or does not settle in keyLookupTimeoutMs with ERR_AUTH_KEY_LOOKUP (503)', async () => {
      const failure = (cause: unknown) => ({
        ok: false,
        code: 'ERR_AUTH_KEY_LOOKUP',
        message: 'Key lookup unavailable.',
        status: 503,
        cause,
      });
      const dbDown = new Error('db down');
      const throwing = () => {
        throw dbDown;
      };
      const thrown = await make({ keys: throwing }).verify('GET', signed());
      expect(thrown).toEqual(failure(dbDown));
      expect((thrown as { cause: unknown }).cause).toBe(dbDown);
      // Whatever the lookup throws is kept as it is, an Error or not.
      const rejected = await make({ keys: () => Promise.reject('ECONNRESET') }).verify('GET', signed());
      expect(rejected).toEqual(failure('ECONNRESET'));
      const started = Date.now();
      const never = make({ keys: () => new Promise(() => {}), keyLookupTimeoutMs: 50 });
      const late = await never.verify('GET', signed());
      expect(late).toEqual(failure(expect.any(NogError)));
      expect((late as { cause: NogError }).cause).toMatchObject({
        code: 'ERR_KEY_LOOKUP_TIMEOUT',
        message: 'Key lookup timed out after 50 ms',
      });
      // It waited for the timeout (and not, say, forever, or not at all).
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      // A slow lookup that settles in time is used.
      const slow = make({
        keys: (id: string) => new Promise((r) => setTimeout(r, 5, KEYS[id as keyof typeof KEYS])),
        keyLookupTimeoutMs: 2000,
      });
      expect((await slow.verify('GET', signed())).ok).toBe(true);
    });

    it('a lookup that never settles does not hold the default verifier forever', async () => {
      // The default timeout, driven by fake timers would hide the real timer; this checks the wiring with real ones.
      const v = make({ keys: () => new Promise(() => {}), keyLookupTimeoutMs: 20 });
      const results = await Promise.all(Array.from({ length: 100 }, () => v.verify('GET', signed({ nonce: false }))));
      expect(new Set(results.map((r) => (r.ok ? 'ok' : r.code)))).toEqual(new Set(['ERR_AUTH_KEY_LOOKUP']));
    });

    it('refuses a keyLookupTimeoutMs that a timer cannot hold', () => {
      for (const ms of [0, -1, 1.5, 2 ** 31, Number.POSITIVE_INFINITY]) {
        expect(() => make({ keyLookupTimeoutMs: ms }), String(ms)).toThrow(expect.objectContaining({ code: 'ERR_OPTION_RANGE' }));
      }
      expect(() => make({ keyLookupTimeoutMs: '5000' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      expect(() => make({ keyLookupTimeoutMs: 2 ** 31 - 1 })).not.toThrow();
    });
  });
}
