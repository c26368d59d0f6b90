import { createPrivateKey } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { path, query } from './arbitraries.js';
import { DOC_KEY, builds, codeOf, keyPath, opensslVerify, pem, outcomeOf } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

interface Seen {
  readonly target: string;
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Whether openssl accepts x-nops-signature over <client id>.<today UTC>.<target as received>. */
  readonly verified: boolean;
}

// A real HTTP server that checks each request the way an nOps server would, with openssl as the verifier.
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.url!;
      const apiKey = String(req.headers['x-nops-api-key'] ?? new URLSearchParams(target.split('?')[1] ?? '').get('api_key'));
      const clientId = apiKey.slice(0, apiKey.indexOf('.'));
      const signature = String(req.headers['x-nops-signature']);
      const today = new Date().toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() - 60_000).toISOString().slice(0, 10);
      const verified = [today, yesterday].some((d) =>
        opensslVerify(keyPath('rsa2048.pub'), Buffer.from(`${clientId}.${d}.${target}`), signature),
      );
      const seen: Seen = { target, method: req.method!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), verified };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(seen));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(builds)('createNopsFetch (%s)', (_name, build) => {
  const nopsFetch = () => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), baseUrl });

  it('signs a relative request with the key in the query, as the server receives it', async () => {
    const seen = (await (await nopsFetch()('/nops_api/v1/billingGetTotal/')).json()) as Seen;
    expect(seen.target).toBe(`/nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`);
    expect(seen.verified).toBe(true);
  });

  it('adds the trailing slash, keeps the query, and signs what the URL parser sends', async () => {
    const seen = (await (await nopsFetch()('/nops_api/v1/a/../café?q=ü&x=1')).json()) as Seen;
    expect(seen.target).toBe(`/nops_api/v1/caf%C3%A9/?q=%C3%BC&x=1&api_key=${DOC_KEY}`);
    expect(seen.verified).toBe(true);
  });

  it("sends the key in X-Nops-Api-Key in header form and keeps the caller's headers, method and body", async () => {
    const f = build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), baseUrl, apiKeyIn: 'header' });
    const res = await f(new URL('/c/admin/projectaws/', baseUrl), {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'x-extra': 'yes' },
    });
    const seen = (await res.json()) as Seen;
    expect(seen.target).toBe('/c/admin/projectaws/');
    expect(seen.headers['x-nops-api-key']).toBe(DOC_KEY);
    expect(seen.headers['x-extra']).toBe('yes');
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('{"a":1}');
    expect(seen.verified).toBe(true);
  });

  it('signs a Request object, carrying its method, headers and body over', async () => {
    const request = new Request(`${baseUrl}/nops_api/v1/report?from=2022-01-01`, {
      method: 'PUT',
      body: 'payload',
      headers: { 'x-extra': 'r' },
    });
    const seen = (await (await nopsFetch()(request)).json()) as Seen;
    expect(seen.target).toBe(`/nops_api/v1/report/?from=2022-01-01&api_key=${DOC_KEY}`);
    expect(seen.method).toBe('PUT');
    expect(seen.body).toBe('payload');
    expect(seen.headers['x-extra']).toBe('r');
    expect(seen.verified).toBe(true);
  });

  it('resolves against https://app.nops.io by default and calls the fetch given', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const f = build.createNopsFetch({
      apiKey: DOC_KEY,
      privateKey: pem('rsa2048'),
      fetch: async (url, init) => {
        calls.push([url, init]);
        return new Response('ok');
      },
    });
    await f('/nops_api/v1/billingGetTotal/');
    expect(calls[0]![0]).toBe(`https://app.nops.io/nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`);
    expect(new Headers(calls[0]![1]!.headers).get('x-nops-signature')).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('the URL it signs is the URL fetch sends, for any path and query', async () => {
    await fc.assert(
      fc.asyncProperty(path, query, async (p, q) => {
        let sent = '';
        let signature = '';
        const f = build.createNopsFetch({
          apiKey: DOC_KEY,
          privateKey: pem('rsa1024'),
          fetch: async (url, init) => {
            sent = url;
            signature = new Headers(init?.headers).get('x-nops-signature')!;
            return new Response('');
          },
        });
        const input = p + (q === null ? '' : `?${q}`);
        if (!URL.canParse(input, 'https://app.nops.io')) {
          // "/\\" is "//" with an empty host: not a URL at all.
          expect(await codeOf(f(input))).toBe('ERR_INVALID_ARGUMENT');
          expect(sent).toBe('');
          return;
        }
        if (new URL(input, 'https://app.nops.io').origin !== 'https://app.nops.io') {
          // "/\\host/..." leaves the origin: refused, nothing sent.
          expect(await codeOf(f(input))).toBe('ERR_NOPS_ORIGIN');
          expect(sent).toBe('');
          return;
        }
        await f(input);
        const wire = new URL(new Request(sent).url);
        expect(wire.href).toBe(sent);
        const target = wire.pathname + wire.search;
        const day = new Date().toISOString().slice(0, 10);
        expect(await outcomeOf(build.verify({ url: target, apiKey: DOC_KEY, date: day }, signature, pem('rsa1024.pub')))).toBe('valid');
      }),
      { numRuns: 40 },
    );
  });

  it('fails early on bad options and at send time on a bad key', async () => {
    expect(await codeOf(() => build.createNopsFetch({ apiKey: 'nodot', privateKey: pem('rsa2048') }))).toBe('ERR_NOPS_API_KEY');
    expect(await codeOf(() => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), baseUrl: 'not a url' }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(await codeOf(() => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), apiKeyIn: 'body' as never }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
  });

  it('checks a static key when it is made, in both builds: its form, its DER and its numbers', async () => {
    const make = (privateKey: unknown) => () => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: privateKey as never, baseUrl });
    expect(await codeOf(make(pem('rsa2048.pub')))).toBe('ERR_NOPS_KEY');
    expect(await codeOf(make('not a PEM'))).toBe('ERR_NOPS_KEY');
    expect(await codeOf(make({ kty: 'EC', crv: 'P-256' }))).toBe('ERR_NOPS_KEY');
    expect(await codeOf(make(42))).toBe('ERR_INVALID_ARGUMENT');
    // The DER is read, and the key checked, before any import: an EC key or a 512-bit RSA key is refused when the
    // fetch is made, in both builds.
    for (const name of ['ec256', 'rsa512']) expect(await codeOf(make(pem(name)))).toBe('ERR_NOPS_KEY');
    // A private key whose parts disagree (qi off by one, which OpenSSL would still sign with) and one with e = 1.
    const jwk = createPrivateKey(pem('rsa2048')).export({ format: 'jwk' }) as Record<string, string>;
    const qi = Buffer.from(jwk.qi!, 'base64url');
    qi[qi.length - 1]! ^= 2;
    expect(await codeOf(make({ ...jwk, qi: qi.toString('base64url') }))).toBe('ERR_NOPS_KEY');
    expect(await codeOf(make({ ...jwk, e: 'AQ' }))).toBe('ERR_NOPS_KEY');
  });

  it('signs the day of the clock moved by clockOffset, for a client whose clock is off', async () => {
    const day = 86_400_000;
    const messages: string[] = [];
    const f = build.createNopsFetch({
      apiKey: DOC_KEY,
      privateKey: pem('rsa2048'),
      clockOffset: -3 * day,
      fetch: async (url, init) => {
        const signature = new Headers(init?.headers).get('x-nops-signature')!;
        const target = url.slice('https://app.nops.io'.length);
        const days = [-3, -4].map((d) => new Date(Date.now() + d * day).toISOString().slice(0, 10));
        messages.push(...days.filter((d) => opensslVerify(keyPath('rsa2048.pub'), Buffer.from(`123.${d}.${target}`), signature)));
        return new Response('{}');
      },
    });
    await f('/p/');
    expect(messages).toHaveLength(1);
    for (const bad of [Number.NaN, -Infinity, '1']) {
      expect(await codeOf(() => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), clockOffset: bad as never }))).toBe(
        'ERR_INVALID_ARGUMENT',
      );
    }
  });

  it('without a fetch option, calls the global fetch of the moment: looked up at each call, not when made', async () => {
    const f = nopsFetch();
    const original = globalThis.fetch;
    const through: string[] = [];
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      through.push(String(input));
      return original(input, init);
    }) as typeof fetch;
    try {
      const seen = (await (await f('/later/')).json()) as Seen;
      expect(seen.verified).toBe(true);
    } finally {
      globalThis.fetch = original;
    }
    expect(through).toEqual([`${baseUrl}/later/?api_key=${DOC_KEY}`]);
  });

  it("sends nothing to an origin other than baseUrl's", async () => {
    const sent: string[] = [];
    const f = build.createNopsFetch({
      apiKey: DOC_KEY,
      privateKey: pem('rsa1024'),
      fetch: async (url) => {
        sent.push(url);
        return new Response('');
      },
    });
    for (const input of [
      '//evil.example/p/',
      '/\\evil.example/p/',
      'https://evil.example/p/',
      'http://app.nops.io/p/',
      'https://app.nops.io:444/p/',
      new URL('https://evil.example/'),
    ]) {
      expect(await codeOf(f(input)), String(input)).toBe('ERR_NOPS_ORIGIN');
    }
    expect(await codeOf(f(new Request('https://evil.example/p/')))).toBe('ERR_NOPS_ORIGIN');
    expect(await codeOf(f('http://[::1'))).toBe('ERR_INVALID_ARGUMENT');
    expect(sent).toEqual([]);
    await f('https://app.nops.io/p/');
    expect(sent).toHaveLength(1);
  });
});

// ---- A client that lives long: key providers, the server's day, 503 retries, abort. ----

/**
 * An nOps-like server on loopback with a clock of its own: it verifies each request (with this package's verify, on
 * its own day in UTC) and answers 401 with its `Date` when the signature does not hold, or what the test scripts.
 */
let serverNow: () => number = Date.now;
let scriptNops: ((n: number) => { status: number; headers?: Record<string, string> } | undefined) | undefined;
const arrivals: Array<{ target: string; body: string; day: string; ok: boolean }> = [];
let clockServer: Server;
let clockBase: string;
beforeAll(async () => {
  clockServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const now = serverNow();
      const day = new Date(now).toISOString().slice(0, 10);
      const signature = String(req.headers['x-nops-signature']);
      const r = await builds[0]![1]
        .verify({ url: req.url!, date: day, apiKey: DOC_KEY }, signature, pem('rsa2048.pub'))
        .catch(() => ({ ok: false }));
      arrivals.push({ target: req.url!, body: Buffer.concat(chunks).toString('utf8'), day, ok: r.ok });
      const scripted = scriptNops?.(arrivals.length);
      res.setHeader('date', new Date(now).toUTCString());
      if (scripted !== undefined) {
        res.statusCode = scripted.status;
        for (const [name, value] of Object.entries(scripted.headers ?? {})) res.setHeader(name, value);
      } else {
        res.statusCode = r.ok ? 200 : 401;
      }
      res.end(r.ok ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => clockServer.listen(0, '127.0.0.1', resolve));
  clockBase = `http://127.0.0.1:${(clockServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => clockServer.close(() => resolve())));

const DAY = 86_400_000;
const reset = (now: () => number, script?: typeof scriptNops) => {
  serverNow = now;
  scriptNops = script;
  arrivals.length = 0;
};

describe.each(builds)('createNopsFetch, long-lived (%s)', (_name, build) => {
  const make = (extra: Partial<Parameters<typeof build.createNopsFetch>[0]> = {}) =>
    build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), baseUrl: clockBase, ...extra });

  it("signs again on the server's day when a 401 carries a Date of another day, learns the offset, and keeps it", async () => {
    // A server a day and two hours ahead: every day this client signs is wrong until it learns.
    reset(() => Date.now() + DAY + 2 * 3_600_000);
    let calls = 0;
    const f = make({
      privateKey: () => {
        calls++;
        return pem('rsa2048');
      },
    });
    expect(f.clockOffset).toBe(0);
    const res = await f('/nops_api/v1/x/');
    expect(res.status).toBe(200);
    expect(arrivals.map((a) => a.ok)).toEqual([false, true]);
    // One key per request: the second send is signed with the first one's.
    expect(calls).toBe(1);
    expect(Math.abs(f.clockOffset - (DAY + 2 * 3_600_000))).toBeLessThan(10_000);
    arrivals.length = 0;
    expect((await f('/nops_api/v1/y/')).status).toBe(200);
    expect(arrivals.map((a) => a.ok)).toEqual([true]);
  });

  it('sends again once, never twice, to a server that always refuses with a Date of another day', async () => {
    // Its clock 3 days further behind at each answer, so that every Date it sends is on another day than the last.
    let answers = 0;
    reset(
      () => Date.now() - 3 * DAY * ++answers,
      () => ({ status: 401 }),
    );
    const f = make();
    expect((await f('/p/')).status).toBe(401);
    expect(arrivals).toHaveLength(2);
    // The retry was signed on the first answer's day (3 days back); the server, 6 days back by then, refused it.
    expect(arrivals.map((a) => a.ok)).toEqual([false, false]);
    expect(Math.abs(f.clockOffset + 3 * DAY)).toBeLessThan(10_000);
    reset(
      () => Date.now() - 3 * DAY,
      () => ({ status: 401 }),
    );
    expect((await make({ correctClock: false })('/p/')).status).toBe(401);
    expect(arrivals).toHaveLength(1);
    expect(await codeOf(() => make({ correctClock: 1 as never }))).toBe('ERR_INVALID_ARGUMENT');
  });

  it("signs again on the server's day but keeps its offset when the server's Date is within 2 seconds of its clock", async () => {
    // The client's clock (offset included) a second before a midnight UTC, the server's 1.5 s ahead of it: the
    // server is on the next day, so the request is signed again on its Date, yet that Date (whole seconds) is less
    // than 2 s from the client's clock, so the offset stays as it was.
    for (let attempt = 1; ; attempt++) {
      const midnight = Math.ceil((Date.now() + 5 * DAY) / DAY) * DAY;
      const offset = midnight - 1_000 - Date.now();
      reset(() => Date.now() + offset + 1_500);
      const f = make({ clockOffset: offset });
      expect((await f('/p/')).status).toBe(200);
      // A machine that took over a second to sign signed after midnight, at once on the server's day: again.
      if (arrivals.length === 1 && attempt < 5) continue;
      expect(arrivals.map((a) => a.ok)).toEqual([false, true]);
      expect(f.clockOffset).toBe(offset);
      break;
    }
  });

  it('signs again for a 403 as for a 401', async () => {
    reset(
      () => Date.now() - 2 * DAY,
      (n) => (n === 1 ? { status: 403 } : undefined),
    );
    expect((await make()('/p/')).status).toBe(200);
    expect(arrivals.map((a) => a.ok)).toEqual([false, true]);
  });

  it('does not send again for a 401 whose Date is on the day signed, nor for other statuses', async () => {
    reset(Date.now, () => ({ status: 401 }));
    expect((await make()('/p/')).status).toBe(401);
    reset(
      () => Date.now() + 2 * DAY,
      () => ({ status: 500 }),
    );
    expect((await make()('/p/')).status).toBe(500);
    expect(arrivals).toHaveLength(1);
  });

  it('cannot send a ReadableStream body twice: its 401 is returned, the offset still learned', async () => {
    reset(() => Date.now() + 2 * DAY);
    const f = make();
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('once'));
        c.close();
      },
    });
    const res = await f('/upload/', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(401);
    expect(arrivals.map((a) => [a.body, a.ok])).toEqual([['once', false]]);
    expect(Math.abs(f.clockOffset - 2 * DAY)).toBeLessThan(10_000);
    // The same bytes as a string can be sent again, and now go out on the server's day at once.
    expect((await f('/upload/', { method: 'POST', body: 'twice' })).status).toBe(200);
    expect(arrivals.map((a) => [a.body, a.ok])).toEqual([
      ['once', false],
      ['twice', true],
    ]);
  });

  it('calls key providers (sync or async) per request, and rejects with ERR_KEY_PROVIDER and the cause when one fails', async () => {
    reset(Date.now);
    let calls = 0;
    const f = make({
      apiKey: () => {
        calls++;
        return DOC_KEY;
      },
      privateKey: async () => pem('rsa2048'),
    });
    expect((await f('/a/')).status).toBe(200);
    expect((await f('/b/')).status).toBe(200);
    expect(calls).toBe(2);
    expect(arrivals.map((a) => a.ok)).toEqual([true, true]);
    const cause = new Error('vault sealed');
    for (const failing of [
      { apiKey: () => Promise.reject(cause) },
      {
        privateKey: () => {
          throw cause;
        },
      },
    ]) {
      await expect(make(failing as never)('/c/')).rejects.toSatisfy(
        (e: unknown) => e instanceof build.NopsError && e.code === 'ERR_KEY_PROVIDER' && e.cause === cause,
      );
    }
    // What a provider gives is checked when it is used.
    expect(await codeOf(make({ apiKey: () => 'nodot' })('/d/'))).toBe('ERR_NOPS_API_KEY');
    expect(await codeOf(make({ privateKey: () => pem('rsa2048.pub') })('/d/'))).toBe('ERR_NOPS_KEY');
    expect(arrivals).toHaveLength(2);
  });

  it('retries a 503 when asked, after Retry-After, each retry signed afresh; bounded by attempts', async () => {
    reset(Date.now, (n) => (n < 3 ? { status: 503, headers: { 'retry-after': '0' } } : undefined));
    expect((await make({ retry: build.retryOn503() })('/p/')).status).toBe(200);
    expect(arrivals).toHaveLength(3);
    reset(Date.now, () => ({ status: 503, headers: { 'retry-after': '0' } }));
    expect((await make({ retry: build.retryOn503({ attempts: 2 }) })('/p/')).status).toBe(503);
    expect(arrivals).toHaveLength(2);
    reset(Date.now, () => ({ status: 503, headers: { 'retry-after': '0' } }));
    expect((await make()('/p/')).status).toBe(503);
    expect(arrivals).toHaveLength(1);
    // A 503 asking for longer than maxDelayMs is returned as it is, at once.
    reset(Date.now, () => ({ status: 503, headers: { 'retry-after': '2' } }));
    expect((await make({ retry: build.retryOn503({ maxDelayMs: 1_000 }) })('/p/')).status).toBe(503);
    expect(arrivals).toHaveLength(1);
    expect(await codeOf(() => build.retryOn503({ maxDelayMs: -1 }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await codeOf(() => make({ retry: true as never }))).toBe('ERR_INVALID_ARGUMENT');
  });

  it("rejects at once with the signal's reason when aborted during a Retry-After wait, and clears the timer", async () => {
    reset(Date.now, () => ({ status: 503, headers: { 'retry-after': '60' } }));
    const controller = new AbortController();
    const reason = new Error('user left');
    // The wait is watched at setTimeout and clearTimeout: a count of the process's active timers also counts undici's
    // keep-alive timer, which comes and goes with the connection (it failed that way once on a loaded machine).
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    let waiting = false;
    try {
      const f = make({
        retry: build.retryOn503({ maxDelayMs: 120_000 }),
        fetch: async (url, init) => {
          const res = await fetch(url, init);
          setImmediate(() => {
            waiting = set.mock.calls.some(([, ms]) => ms === 60_000);
            controller.abort(reason);
          });
          return res;
        },
      });
      await expect(f('/p/', { signal: controller.signal })).rejects.toBe(reason);
      const waits = set.mock.results.filter((_r, i) => set.mock.calls[i]![1] === 60_000).map((r) => r.value);
      expect(waiting).toBe(true);
      expect(waits).toHaveLength(1);
      expect(clear.mock.calls.map(([t]) => t)).toContain(waits[0]);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
    expect(arrivals).toHaveLength(1);
  });
});
