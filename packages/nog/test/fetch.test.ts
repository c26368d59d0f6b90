import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { builds, KEY, KEYS } from './helpers.js';

// A real HTTP server that verifies what arrives on the wire.
let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; body: string; header: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, header: req.headers['x-test'] as string | undefined });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

for (const [name, build] of builds) {
  describe(`createNogFetch (${name})`, () => {
    const verifier = build.createVerifier({ keys: KEYS });

    it('signs each request at send time; the server verifies what arrived', async () => {
      const nogFetch = build.createNogFetch({ key: KEY });
      seen.length = 0;
      const res = await nogFetch(`${base}/api/blobs/abc?x=1`);
      expect(await res.text()).toBe('ok');
      const got = await verifier.verify(seen[0]!.method, seen[0]!.url);
      expect(got).toMatchObject({ ok: true, keyId: KEY.id, target: '/api/blobs/abc?x=1', query: 'x=1' });
      expect(got.ok && got.nonce).toMatch(/^[0-9a-f]{20}$/);
    });

    it('signs the URL as fetch sends it (non-ASCII and spaces percent-encoded, dot segments removed)', async () => {
      const nogFetch = build.createNogFetch({ key: KEY, expires: 60, nonce: false });
      seen.length = 0;
      await nogFetch(`${base}/a/../files/ä b?q=ü`);
      expect(seen[0]!.url.startsWith('/files/%C3%A4%20b?q=%C3%BC&authalgorithm=nog-v1&')).toBe(true);
      expect(seen[0]!.url).toContain('&authexpires=60&authsignature=');
      expect(await verifier.verify('GET', seen[0]!.url)).toMatchObject({ ok: true, nonce: null, target: '/files/%C3%A4%20b?q=%C3%BC' });
    });

    it('keeps method, headers and body, also from a Request object', async () => {
      const nogFetch = build.createNogFetch({ key: KEY });
      seen.length = 0;
      await nogFetch(new Request(`${base}/upload`, { method: 'PUT', body: 'payload', headers: { 'x-test': 'yes' } }));
      await nogFetch(`${base}/post`, { method: 'POST', body: JSON.stringify({ a: 1 }) });
      expect(seen.map((s) => [s.method, s.body, s.header])).toEqual([
        ['PUT', 'payload', 'yes'],
        ['POST', '{"a":1}', undefined],
      ]);
      for (const s of seen) expect((await verifier.verify(s.method, s.url)).ok).toBe(true);
    });

    it('uses the fetch it is given, and checks its options', async () => {
      const sent: string[] = [];
      const nogFetch = build.createNogFetch({
        key: KEY,
        fetch: async (input) => {
          sent.push((input as Request).url);
          return new Response('mine');
        },
      });
      expect(await (await nogFetch('https://example.com/p#frag')).text()).toBe('mine');
      expect(sent[0]).toMatch(/^https:\/\/example\.com\/p\?authalgorithm=nog-v1&.*&authsignature=[0-9a-f]{64}#frag$/);
      expect(() => build.createNogFetch({ key: { id: 1 } } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      expect(() => build.createNogFetch({ key: KEY, nonce: 'fixed' } as never)).toThrow(/nonce/);
    });

    it('without fetch, sends with the global fetch as it is at each call, not as it was when the client was made', async () => {
      // README: "`fetch` (default the global one, looked up at each call)": a fetch patched in later (a test's
      // stub, an instrumentation) is the one used.
      const nogFetch = build.createNogFetch({ key: KEY, nonce: false });
      const original = globalThis.fetch;
      const sent: string[][] = [[], []];
      try {
        for (const i of [0, 1]) {
          globalThis.fetch = async (input: string | URL | Request) => {
            sent[i]!.push(input instanceof Request ? input.url : String(input));
            return new Response(`stub ${i}`);
          };
          expect(await (await nogFetch('https://example.com/p')).text()).toBe(`stub ${i}`);
        }
      } finally {
        globalThis.fetch = original;
      }
      expect(sent.map((urls) => urls.length)).toEqual([1, 1]);
      expect(await verifier.verify('GET', sent[1]![0]!.slice('https://example.com'.length))).toMatchObject({ ok: true });
    });

    it('takes the key in the shape sign takes, { id, secret }, and refuses the old keyId/secretKey with a typed error', () => {
      expect(() => build.createNogFetch({ keyId: KEY.id, secretKey: KEY.secret } as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('key') }),
      );
      expect(() => build.createNogFetch({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    });

    it('resolves a relative URL against baseUrl (without one it is a typed error, not a TypeError)', async () => {
      const nogFetch = build.createNogFetch({ key: KEY, baseUrl: `${base}/ignored?q` });
      seen.length = 0;
      await nogFetch('/api/blobs/abc?x=1');
      await nogFetch(new URL(`${base}/absolute`));
      expect(seen.map((s) => s.url.split('?')[0])).toEqual(['/api/blobs/abc', '/absolute']);
      for (const s of seen) expect((await verifier.verify(s.method, s.url)).ok).toBe(true);
      await expect(build.createNogFetch({ key: KEY })('/relative')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      expect(() => build.createNogFetch({ key: KEY, baseUrl: '/not-absolute' })).toThrow(/baseUrl/);
    });

    it('signs with the clock moved by clockOffset, for a client whose clock is off', async () => {
      const hour = 3_600_000;
      const late = build.createNogFetch({ key: KEY, clockOffset: -2 * hour });
      seen.length = 0;
      await late(`${base}/p`);
      const authdate = /authdate=(\d{4}-\d\d-\d\dT\d{6}Z)/.exec(seen[0]!.url)![1]!;
      const signedAt = Date.parse(authdate.replace(/T(\d\d)(\d\d)(\d\d)Z/, 'T$1:$2:$3Z'));
      expect(Math.abs(Date.now() - 2 * hour - signedAt)).toBeLessThan(5_000);
      // A verifier whose clock is 2 h behind this machine accepts it; one on this machine's time finds it expired.
      const behind = build.createVerifier({ keys: KEYS, now: () => Date.now() - 2 * hour });
      expect((await behind.verify('GET', seen[0]!.url)).ok).toBe(true);
      expect(await verifier.verify('GET', seen[0]!.url)).toMatchObject({ ok: false, code: 'ERR_AUTH_SIG_EXPIRED' });
      for (const bad of [Number.NaN, Infinity, '5']) {
        expect(() => build.createNogFetch({ key: KEY, clockOffset: bad as never })).toThrow(/clockOffset/);
      }
    });
  });
}

// ---- A client that lives long: key providers, the server's clock, 503 retries, abort. ----

/** What the scripted server answers, per request: the test sets it. */
type Answer = { status: number; headers?: Record<string, string>; body?: string };
let script: (url: string, n: number) => Answer = () => ({ status: 200 });
const arrived: Array<{ method: string; url: string; body: string }> = [];
let scripted: Server;
let sbase: string;

beforeAll(async () => {
  scripted = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      arrived.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString('utf8') });
      const answer = script(req.url!, arrived.length);
      res.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
  sbase = `http://127.0.0.1:${(scripted.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => scripted.close(() => resolve())));

const HOUR = 3_600_000;
/** The authdate a URL carries, in milliseconds. */
const authdateOf = (url: string): number =>
  Date.parse(/authdate=(\d{4}-\d\d-\d\dT\d{6}Z)/.exec(url)![1]!.replace(/T(\d\d)(\d\d)(\d\d)Z/, 'T$1:$2:$3Z'));
const nonceOf = (url: string): string | undefined => /authnonce=([^&]+)/.exec(url)?.[1];
/** The 401 that @reqsign/http answers, for a code, with a server clock. */
const unauthorized = (code: string, serverMs: number): Answer => ({
  status: 401,
  headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'nog-v1', date: new Date(serverMs).toUTCString() },
  body: JSON.stringify({ statusCode: 401, errorCode: code, message: 'x' }),
});

for (const [name, build] of builds) {
  describe(`createNogFetch, long-lived (${name})`, () => {
    const OTHER = { id: 'rotated-key', secret: 'another secret' };
    const verifier = build.createVerifier({ keys: { ...KEYS, [OTHER.id]: OTHER.secret } });

    it('calls a key provider (sync or async) for each request: a rotated key is used from the next request', async () => {
      let calls = 0;
      const keys = [KEY, OTHER, KEY];
      script = () => ({ status: 200 });
      arrived.length = 0;
      const sync = build.createNogFetch({ key: () => keys[calls++]!, baseUrl: sbase });
      const asyncFetch = build.createNogFetch({ key: async () => OTHER, baseUrl: sbase });
      await sync('/a');
      await sync('/b');
      await asyncFetch('/c');
      await sync('/d');
      expect(calls).toBe(3);
      const ids = [];
      for (const a of arrived) {
        const got = await verifier.verify(a.method, a.url);
        ids.push(got.ok && got.keyId);
      }
      expect(ids).toEqual([KEY.id, OTHER.id, OTHER.id, KEY.id]);
    });

    it('rejects a request with ERR_KEY_PROVIDER, the provider error as cause, when the provider throws or rejects', async () => {
      const cause = new Error('vault sealed');
      arrived.length = 0;
      for (const key of [
        () => {
          throw cause;
        },
        () => Promise.reject(cause),
      ]) {
        const nogFetch = build.createNogFetch({ key, baseUrl: sbase });
        await expect(nogFetch('/p')).rejects.toSatisfy(
          (e: unknown) => e instanceof build.NogError && e.code === 'ERR_KEY_PROVIDER' && e.cause === cause,
        );
      }
      expect(arrived).toEqual([]);
    });

    it("checks a provider's key when it signs (a static key when the fetch is made)", async () => {
      const bad = build.createNogFetch({ key: () => ({ id: 'no spaces allowed', secret: 's' }), baseUrl: sbase });
      await expect(bad('/p')).rejects.toMatchObject({ code: 'ERR_SIGN_KEY' });
      const notAKey = build.createNogFetch({ key: (() => 'secret') as never, baseUrl: sbase });
      await expect(notAKey('/p')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      expect(() => build.createNogFetch({ key: { id: 'no spaces allowed', secret: 5 } as never })).toThrow(/key\.secret/);
    });

    it('learns the offset from a 401 ERR_AUTH_DATE_FUTURE and its Date, and sends again exactly once', async () => {
      // A server that refuses everything as date-future, its Date 2 h further behind at each answer: whatever it
      // says, one request is sent twice at most, never in a loop.
      const serverAt = (n: number) => Date.now() - 2 * HOUR * n;
      script = (_url, n) => unauthorized('ERR_AUTH_DATE_FUTURE', serverAt(n));
      arrived.length = 0;
      const nogFetch = build.createNogFetch({ key: KEY, baseUrl: sbase });
      expect(nogFetch.clockOffset).toBe(0);
      const res = await nogFetch('/p');
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ errorCode: 'ERR_AUTH_DATE_FUTURE' });
      expect(arrived).toHaveLength(2);
      // The offset is the first answer's; the retry was signed afresh on it, the first send on this machine's clock.
      expect(Math.abs(nogFetch.clockOffset + 2 * HOUR)).toBeLessThan(10_000);
      expect(Math.abs(authdateOf(arrived[0]!.url) - Date.now())).toBeLessThan(10_000);
      expect(Math.abs(authdateOf(arrived[1]!.url) - serverAt(1))).toBeLessThan(10_000);
      expect(nonceOf(arrived[0]!.url)).not.toBe(nonceOf(arrived[1]!.url));
      // The offset stays: the next request is signed on it.
      script = () => unauthorized('ERR_AUTH_DATE_FUTURE', serverAt(1));
      arrived.length = 0;
      expect((await nogFetch('/q')).status).toBe(401);
      // Its 401's Date is within 2 s of the learned clock: not the clock's fault, not sent again.
      expect(arrived).toHaveLength(1);
      expect(Math.abs(authdateOf(arrived[0]!.url) - serverAt(1))).toBeLessThan(10_000);
    });

    it('learns from ERR_AUTH_SIG_EXPIRED too; not from another code, a Date within 2 s, no Date, or correctClock: false', async () => {
      const ahead = () => Date.now() + 2 * HOUR;
      script = (_url, n) => (n === 1 ? unauthorized('ERR_AUTH_SIG_EXPIRED', ahead()) : { status: 200 });
      arrived.length = 0;
      let calls = 0;
      const nogFetch = build.createNogFetch({
        key: () => {
          calls++;
          return KEY;
        },
        baseUrl: sbase,
      });
      expect((await nogFetch('/p')).status).toBe(200);
      expect(arrived).toHaveLength(2);
      expect(Math.abs(nogFetch.clockOffset - 2 * HOUR)).toBeLessThan(10_000);
      // One key per request: its second send is signed with the key of the first.
      expect(calls).toBe(1);

      const cases: Array<[Answer, object]> = [
        [unauthorized('ERR_AUTH_SIG_INVALID', ahead()), {}],
        [unauthorized('ERR_AUTH_DATE_FUTURE', Date.now()), {}],
        [{ ...unauthorized('ERR_AUTH_DATE_FUTURE', 0), headers: { 'content-type': 'application/json' } }, {}],
        [{ ...unauthorized('ERR_AUTH_DATE_FUTURE', ahead()), body: 'not json' }, {}],
        [{ ...unauthorized('ERR_AUTH_DATE_FUTURE', ahead()), status: 403 }, {}],
        [unauthorized('ERR_AUTH_DATE_FUTURE', ahead()), { correctClock: false }],
      ];
      for (const [answer, extra] of cases) {
        script = () => answer;
        arrived.length = 0;
        const client = build.createNogFetch({ key: KEY, baseUrl: sbase, ...extra });
        expect((await client('/p')).status).toBe(answer.status);
        expect(arrived).toHaveLength(1);
        expect(client.clockOffset).toBe(0);
      }
      expect(() => build.createNogFetch({ key: KEY, correctClock: 'yes' as never })).toThrow(/correctClock/);
    });

    it("reads about 4 KiB of a 401's body for its code, from a clone: the response returned is unread", async () => {
      // README: "At most about 4 KiB of a 401's body is read for its code, from a clone: the response you get is
      // unread." A 401 whose Date is far off (so its code is read) and whose JSON body goes on with 1 MiB of
      // spaces, served chunk by chunk as the reader asks: how far it was pulled is what was read.
      const json = (code: string) => JSON.stringify({ statusCode: 401, errorCode: code, message: 'x' });
      const PAD = 1024 * 1024;
      const answer = (code: string) => {
        const chunks = [json(code), ...Array<string>(PAD / 1024).fill(' '.repeat(1024))];
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            const next = chunks.shift();
            if (next === undefined) return controller.close();
            pulled.n += next.length;
            controller.enqueue(new TextEncoder().encode(next));
          },
        });
        const pulled = { n: 0 };
        const response = new Response(stream, { status: 401, headers: { date: new Date(Date.now() + 2 * HOUR).toUTCString() } });
        return { response, pulled };
      };
      for (const [code, sends] of [
        ['ERR_AUTH_SIG_INVALID', 1],
        ['ERR_AUTH_DATE_FUTURE', 2],
      ] as const) {
        const answers: Array<ReturnType<typeof answer>> = [];
        const client = build.createNogFetch({
          key: KEY,
          fetch: async () => {
            const a = answer(answers.length === 0 ? code : 'ERR_AUTH_SIG_INVALID');
            answers.push(a);
            return a.response;
          },
        });
        const res = await client('https://example.com/p');
        expect(answers).toHaveLength(sends);
        // The first answer's code was read (it decided whether to send again), and no more than about 4 KiB of it.
        expect(answers[0]!.pulled.n).toBeGreaterThan(0);
        expect(answers[0]!.pulled.n).toBeLessThan(64 * 1024);
        if (sends === 1) {
          expect(res).toBe(answers[0]!.response);
          expect(res.bodyUsed).toBe(false);
          expect((await res.text()).length).toBe(json(code).length + PAD);
        }
      }
    });

    it('re-sends the same body on a retry, a ReadableStream body too (nog reads bodies into memory)', async () => {
      script = (_url, n) => (n === 1 ? unauthorized('ERR_AUTH_DATE_FUTURE', Date.now() - HOUR) : { status: 200 });
      arrived.length = 0;
      const nogFetch = build.createNogFetch({ key: KEY, baseUrl: sbase });
      const body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('streamed '));
          c.enqueue(new TextEncoder().encode('bytes'));
          c.close();
        },
      });
      const res = await nogFetch('/upload', { method: 'PUT', body, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(200);
      expect(arrived.map((a) => [a.method, a.body])).toEqual([
        ['PUT', 'streamed bytes'],
        ['PUT', 'streamed bytes'],
      ]);
    });

    it('retries a 503 only when asked, after Retry-After (seconds or an HTTP-date), each retry signed afresh', async () => {
      arrived.length = 0;
      script = () => ({ status: 503, headers: { 'retry-after': '0' } });
      expect((await build.createNogFetch({ key: KEY, baseUrl: sbase })('/p')).status).toBe(503);
      expect(arrived).toHaveLength(1);

      for (const after of ['0', new Date(Date.now() - HOUR).toUTCString()]) {
        arrived.length = 0;
        script = (_url, n) => (n < 3 ? { status: 503, headers: { 'retry-after': after } } : { status: 200, body: 'done' });
        const res = await build.createNogFetch({ key: KEY, baseUrl: sbase, retry: build.retryOn503() })('/p');
        expect(await res.text()).toBe('done');
        expect(arrived).toHaveLength(3);
        expect(new Set(arrived.map((a) => nonceOf(a.url))).size).toBe(3);
        for (const a of arrived) expect((await verifier.verify(a.method, a.url)).ok).toBe(true);
      }
    });

    it('bounds a 503 retry: attempts in all, and a Retry-After above maxDelayMs is returned at once', async () => {
      script = () => ({ status: 503, headers: { 'retry-after': '0' } });
      for (const attempts of [1, 2, 4]) {
        arrived.length = 0;
        const res = await build.createNogFetch({ key: KEY, baseUrl: sbase, retry: build.retryOn503({ attempts }) })('/p');
        expect(res.status).toBe(503);
        expect(arrived).toHaveLength(attempts);
      }
      script = () => ({ status: 503, headers: { 'retry-after': '3600' } });
      arrived.length = 0;
      // No wait was started for it: watched at setTimeout (the process's active timers also count other components'; a
      // count of them failed once on a loaded machine).
      const set = vi.spyOn(globalThis, 'setTimeout');
      let waits: unknown[] = [];
      try {
        expect(
          (await build.createNogFetch({ key: KEY, baseUrl: sbase, retry: build.retryOn503({ maxDelayMs: 60_000 }) })('/p')).status,
        ).toBe(503);
      } finally {
        // The two waits a retry could start: the Retry-After itself, or capped at maxDelayMs (undici's own keep-alive
        // timers, 3 or 4 s, come and go with the connection).
        waits = set.mock.calls.map(([, ms]) => ms).filter((ms) => ms === 3_600_000 || ms === 60_000);
        set.mockRestore();
      }
      expect(arrived).toHaveLength(1);
      expect(waits).toEqual([]);
      expect(() => build.retryOn503({ attempts: 0 })).toThrow(
        expect.objectContaining({ name: 'NogError', message: expect.stringMatching(/attempts/) }),
      );
      expect(() => build.createNogFetch({ key: KEY, retry: { attempts: 3 } as never })).toThrow(/retry/);
    });

    it('takes a retry strategy of your own: (response, sends, signal) => whether to send again', async () => {
      script = (_url, n) => (n < 3 ? { status: 429 } : { status: 200 });
      arrived.length = 0;
      const seen: Array<[number, number, boolean]> = [];
      const on429 = async (response: Response, sends: number, signal: AbortSignal | null | undefined) => {
        seen.push([response.status, sends, signal instanceof AbortSignal]);
        return response.status === 429;
      };
      expect((await build.createNogFetch({ key: KEY, baseUrl: sbase, retry: on429 })('/p')).status).toBe(200);
      expect(seen).toEqual([
        [429, 1, true],
        [429, 2, true],
        [200, 3, true],
      ]);
      expect(new Set(arrived.map((a) => nonceOf(a.url))).size).toBe(3);
    });

    it('backs off by a random part of 100 * 2^n ms, capped at maxDelayMs, without Retry-After', async () => {
      script = () => ({ status: 503 });
      arrived.length = 0;
      const waits: number[] = [];
      const real = globalThis.setTimeout;
      const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
        // Only the client's waits (canonical's client.js), not the HTTP stack's own timers.
        if (/canonical[\\/](dist|src)[\\/]client\.[jt]s/.test(new Error().stack ?? '')) waits.push(ms ?? 0);
        return real(fn, ms);
      }) as typeof setTimeout);
      try {
        const res = await build.createNogFetch({ key: KEY, baseUrl: sbase, retry: build.retryOn503({ attempts: 4, maxDelayMs: 5 }) })('/p');
        expect(res.status).toBe(503);
      } finally {
        spy.mockRestore();
      }
      expect(arrived).toHaveLength(4);
      expect(waits).toHaveLength(3);
      for (const w of waits) expect(Number.isInteger(w) && w >= 0 && w < 5).toBe(true);
    });

    it("rejects at once with the signal's reason when aborted during a Retry-After wait, and clears the timer", async () => {
      script = () => ({ status: 503, headers: { 'retry-after': '60' } });
      arrived.length = 0;
      const controller = new AbortController();
      const reason = new Error('user left');
      // The timers the client sets and clears, watched at setTimeout and clearTimeout: counting the process's active
      // timers instead saw other code's (an HTTP agent's) come and go, and failed one run in many.
      const set = vi.spyOn(globalThis, 'setTimeout');
      const cleared = vi.spyOn(globalThis, 'clearTimeout');
      const waits = (): unknown[] => set.mock.calls.flatMap((call, i) => ((call[1] ?? 0) >= 60_000 ? [set.mock.results[i]!.value] : []));
      let during: unknown[] = [];
      try {
        const nogFetch = build.createNogFetch({
          key: KEY,
          baseUrl: sbase,
          retry: build.retryOn503({ maxDelayMs: 120_000 }),
          // Abort once the client has the 503 and is waiting its 60 s: in the next task, after its microtasks.
          fetch: async (request) => {
            const res = await fetch(request);
            setImmediate(() => {
              during = waits().filter((t) => !cleared.mock.calls.some((c) => c[0] === t));
              controller.abort(reason);
            });
            return res;
          },
        });
        await expect(nogFetch('/p', { signal: controller.signal })).rejects.toBe(reason);
        // One 60 s wait was pending when the signal fired, and it was cleared.
        expect(during).toHaveLength(1);
        expect(cleared.mock.calls.map((c) => c[0])).toContain(during[0]);
      } finally {
        set.mockRestore();
        cleared.mockRestore();
      }
      expect(arrived).toHaveLength(1);
    });
  });
}
