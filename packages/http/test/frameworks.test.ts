/**
 * Every server integration, each in its real framework over loopback: the same contract for all of them (success
 * with the cleaned URL, 401 with WWW-Authenticate, replay, 503 with Retry-After, the onFailure hook).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryNonceStore, NonceStoreError } from '@reqsign/nog';
import { getNogAuth, nogMiddleware, withNogAuth, type NogFailureEvent } from '@reqsign/http';
import { nogAuth as fastifyNogAuth } from '@reqsign/http/fastify';
import { nogAuth as honoNogAuth } from '@reqsign/http/hono';
import { nogAuth as koaNogAuth } from '@reqsign/http/koa';
import { KEY, KEYS, signed, tamperSignature } from './helpers.js';

/** What every app answers for a request that passed: the key id and the URL and query the application sees. */
interface Seen {
  keyId: string;
  url: string;
  query: Record<string, unknown>;
}

type Options = Parameters<typeof nogMiddleware>[0];
/** Starts an app with the middleware and the framework's own error handler, which records what reaches it. */
type Start = (options: Options, errors: unknown[]) => Promise<{ base: string; close: () => Promise<void> }>;

const listen = async (server: Server): Promise<{ base: string; close: () => Promise<void> }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
const queryOf = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);

const SERVERS: Record<string, Start> = {
  'node:http': (options, errors) => {
    const auth = nogMiddleware(options);
    return listen(
      createServer((req, res) =>
        auth(req, res, (err) => {
          if (err) {
            errors.push(err);
            res.statusCode = 500;
            res.end();
            return;
          }
          const auth = getNogAuth(req);
          // A CORS preflight that the middleware let through has no verification: answered here as a CORS layer would.
          if (auth === undefined) return void res.writeHead(204).end();
          res.end(JSON.stringify({ keyId: auth.keyId, url: req.url, query: queryOf(req.url!) }));
        }),
      ),
    );
  },
  'express 4': (options, errors) => {
    const app = express4();
    app.use('/api', nogMiddleware(options));
    app.get('/api/blobs/:id', (req, res) => res.json({ keyId: getNogAuth(req)!.keyId, url: req.originalUrl, query: req.query }));
    app.use((err: unknown, _req: unknown, res: express4.Response, _next: unknown) => {
      errors.push(err);
      res.status(500).end();
    });
    return listen(createServer(app));
  },
  'express 5': (options, errors) => {
    const app = express5();
    app.use('/api', nogMiddleware(options));
    app.get('/api/blobs/:id', (req, res) => res.json({ keyId: getNogAuth(req)!.keyId, url: req.originalUrl, query: req.query }));
    app.use((err: unknown, _req: unknown, res: express5.Response, _next: unknown) => {
      errors.push(err);
      res.status(500).end();
    });
    return listen(createServer(app));
  },
  'fetch API (withNogAuth)': (options) => {
    const handler = withNogAuth(
      (request) =>
        Response.json({ keyId: getNogAuth(request)!.keyId, url: getNogAuth(request)!.target, query: queryOf(getNogAuth(request)!.target) }),
      options as never,
    );
    return listen(serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }) as Server);
  },
  hono: (options, errors) => {
    const app = new Hono().use('/api/*', honoNogAuth(options as never)).get('/api/blobs/:id', (c) => {
      const url = new URL(c.req.url);
      // c.req.url, c.req.query() and c.req.queries() are without the auth parameters; c.req.raw is as received.
      expect(new URL(c.req.raw.url).searchParams.has('authsignature')).toBe(true);
      expect(Object.keys(c.req.queries())).toEqual(Object.keys(c.req.query()));
      return c.json({ keyId: c.get('nogAuth').keyId, url: url.pathname + url.search, query: c.req.query() });
    });
    app.onError((err, c) => {
      errors.push(err);
      return c.body(null, 500);
    });
    return listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
  },
  fastify: async (options, errors) => {
    const app = Fastify();
    app.setErrorHandler((err, _request, reply) => {
      errors.push(err);
      return reply.code(500).send();
    });
    await app.register(fastifyNogAuth, options as never);
    app.get('/api/blobs/:id', async (request) => ({ keyId: request.nogAuth!.keyId, url: request.url, query: request.query }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
  koa: (options, errors) => {
    const app = new Koa();
    app.on('error', (err: unknown) => errors.push(err));
    app.use(koaNogAuth(options as never) as never);
    app.use((ctx) => {
      const auth = ctx.state.nogAuth as { keyId: string } | undefined;
      if (auth === undefined)
        ctx.status = 204; // a CORS preflight let through
      else ctx.body = { keyId: auth.keyId, url: ctx.url, query: ctx.query };
    });
    return listen(createServer(app.callback()));
  },
};

const failing = { claim: () => Promise.reject(new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', 'down')) };

describe.each(Object.entries(SERVERS))('%s', (name, start) => {
  const events: NogFailureEvent[] = [];
  const errors: unknown[] = [];
  const servers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of servers) await close();
  });
  const up = async (options: Options) => {
    const s = await start(options, errors);
    servers.push(s.close);
    return s.base;
  };
  let base: Promise<string> | undefined;
  const app = () => {
    base ??= up({ keys: KEYS, nonceStore: new MemoryNonceStore(), onFailure: (e) => events.push(e) });
    return base;
  };

  it('lets a signed request through with the auth parameters removed from what the application sees', async () => {
    const b = await app();
    const res = await fetch(await signed('GET', `${b}/api/blobs/abc?x=1&y=2`));
    expect(res.status).toBe(200);
    const seen = (await res.json()) as Seen;
    expect(seen.keyId).toBe(KEY.id);
    expect(seen.url).toBe('/api/blobs/abc?x=1&y=2');
    expect(seen.query).toEqual({ x: '1', y: '2' });
  });

  it('answers 401 with WWW-Authenticate: nog-v1 and the original JSON body, and tells onFailure (no secret)', async () => {
    const b = await app();
    events.length = 0;
    const url = tamperSignature(await signed('GET', `${b}/api/blobs/abc?x=1`));
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('nog-v1');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toEqual({ statusCode: 401, errorCode: 'ERR_AUTH_SIG_INVALID', message: 'Invalid signature.' });
    expect(events).toEqual([
      { code: 'ERR_AUTH_SIG_INVALID', status: 401, message: 'Invalid signature.', keyId: KEY.id, method: 'GET', path: '/api/blobs/abc' },
    ]);
    const logged = JSON.stringify(events);
    expect(logged).not.toContain(KEY.secret);
    expect(logged).not.toContain(url.slice(url.lastIndexOf('=') + 1));
  });

  it('refuses a replay', async () => {
    const b = await app();
    const url = await signed('GET', `${b}/api/blobs/abc`);
    expect((await fetch(url)).status).toBe(200);
    const again = await fetch(url);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { errorCode: string }).errorCode).toBe('ERR_AUTH_NONCE_INVALID');
  });

  it("answers 503 with Retry-After when the nonce store fails, never a pass, with the store's error as the event's cause", async () => {
    const seen: string[] = [];
    const causes: unknown[] = [];
    const b = await up({
      keys: KEYS,
      nonceStore: failing,
      onFailure: (e) => {
        seen.push(e.code);
        causes.push(e.cause);
      },
    });
    const res = await fetch(await signed('GET', `${b}/api/blobs/abc`));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(((await res.json()) as { errorCode: string }).errorCode).toBe('ERR_AUTH_NONCE_STORE');
    expect(seen).toEqual(['ERR_AUTH_NONCE_STORE']);
    expect(causes).toEqual([expect.objectContaining({ name: 'NonceStoreError', code: 'ERR_NONCE_STORE_UNAVAILABLE', message: 'down' })]);
  });

  it('a keys function that throws, rejects or hangs: 503 with Retry-After; its cause in onFailure, never in the body; the error handler stays for the unexpected', async () => {
    const thrown = new Error('vault unreachable: ECONNREFUSED 10.0.0.7:8200');
    const rejected = new TypeError('secret manager said 500');
    const seen: NogFailureEvent[] = [];
    const cases: Array<[Options['keys'], (cause: unknown) => void]> = [
      [
        () => {
          throw thrown;
        },
        (cause) => expect(cause).toBe(thrown),
      ],
      [() => Promise.reject(rejected), (cause) => expect(cause).toBe(rejected)],
      [
        () => new Promise<string>(() => {}),
        (cause) =>
          expect(cause).toMatchObject({
            name: 'NogError',
            code: 'ERR_KEY_LOOKUP_TIMEOUT',
            message: 'Key lookup timed out after 40 ms',
          }),
      ],
    ];
    errors.length = 0;
    for (const [keys, check] of cases) {
      seen.length = 0;
      const b = await up({ keys, keyLookupTimeoutMs: 40, onFailure: (e) => seen.push(e) } as Options);
      const url = await signed('GET', `${b}/api/blobs/abc?x=1`);
      const res = await fetch(url);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({ statusCode: 503, errorCode: 'ERR_AUTH_KEY_LOOKUP', message: 'Key lookup unavailable.' });
      expect(seen).toHaveLength(1);
      const { cause, ...event } = seen[0]!;
      expect(event).toEqual({
        code: 'ERR_AUTH_KEY_LOOKUP',
        status: 503,
        message: 'Key lookup unavailable.',
        keyId: KEY.id,
        method: 'GET',
        path: '/api/blobs/abc',
      });
      check(cause);
      expect(body).not.toMatch(/vault|secret manager|40 ms|cause/);
    }
    // The 503 is the middleware's answer: the framework's error handler is for what the middleware cannot answer.
    expect(errors).toEqual([]);
    // An exception of the verification itself (a clock that is no clock) is one: it reaches the error handler.
    const b = await up({
      keys: KEYS,
      now: () => {
        throw new Error('clock broken');
      },
    });
    const res = await fetch(await signed('GET', `${b}/api/blobs/abc`));
    expect(res.status).toBe(500);
    // (A fetch handler has no error handler of its own: its rejection is the runtime's, @hono/node-server's 500.)
    if (name !== 'fetch API (withNogAuth)') expect(errors).toEqual([expect.objectContaining({ code: 'ERR_CLOCK_INVALID' })]);
  });

  it('lets a CORS preflight (OPTIONS with Access-Control-Request-Method) go on unverified, unless passPreflight is false; the fetch-API wrapper verifies it', async () => {
    const preflight = async (b: string, headers: Record<string, string>) =>
      (await fetch(`${b}/api/blobs/abc`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere.test', ...headers } })).status;
    const seen: NogFailureEvent[] = [];
    const passing = await up({ keys: KEYS, onFailure: (e) => seen.push(e) });
    const verifying = await up({ keys: KEYS, passPreflight: false, onFailure: (e) => seen.push(e) } as Options);
    const acrm = { 'access-control-request-method': 'POST' };
    if (name === 'fetch API (withNogAuth)') {
      expect(await preflight(passing, acrm)).toBe(401);
    } else {
      // Not refused: what answers is the framework (Express's automatic OPTIONS, Fastify's and Hono's 404, the app's 204).
      expect(await preflight(passing, acrm)).not.toBe(401);
      expect(seen).toEqual([]);
    }
    // An OPTIONS that is no preflight (no Access-Control-Request-Method, or no Origin), and any preflight with
    // passPreflight: false, are verified.
    expect(await preflight(passing, {})).toBe(401);
    const noOrigin = await fetch(`${passing}/api/blobs/abc`, { method: 'OPTIONS', headers: acrm });
    expect(noOrigin.status).toBe(401);
    expect(await preflight(verifying, acrm)).toBe(401);
  });

  it('answers as before when onFailure throws (logging never turns a 401 into a 500)', async () => {
    const b = await up({
      keys: KEYS,
      onFailure: () => {
        throw new Error('logger down');
      },
    });
    expect((await fetch(`${b}/api/blobs/abc`)).status).toBe(401);
  });
});

describe('options', () => {
  it('refuses an onFailure that is no function, at setup', () => {
    for (const build of [nogMiddleware, honoNogAuth, koaNogAuth] as Array<(o: never) => unknown>) {
      expect(() => build({ keys: KEYS, onFailure: 'log' } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });
});

describe('hono', () => {
  it('shows c.req.url, c.req.query() and c.req.queries() without the auth parameters, c.req.raw as received; rewriteUrl: false leaves them', async () => {
    const seen = (options: Record<string, unknown>) =>
      new Hono().get('/p', honoNogAuth({ keys: KEYS, ...options }), (c) =>
        c.json({ url: c.req.url, query: c.req.query(), queries: c.req.queries(), raw: c.req.raw.url, keyId: c.get('nogAuth').keyId }),
      );
    const url = await signed('GET', 'http://h.test/p?x=1&x=2&y=%20');
    const clean = (await (await seen({}).request(url)).json()) as Record<string, unknown>;
    expect(clean).toEqual({
      url: 'http://h.test/p?x=1&x=2&y=%20',
      query: { x: '1', y: ' ' },
      queries: { x: ['1', '2'], y: [' '] },
      raw: url,
      keyId: KEY.id,
    });
    const kept = (await (await seen({ rewriteUrl: false }).request(await signed('GET', 'http://h.test/p?x=1'))).json()) as {
      query: Record<string, string>;
    };
    expect(Object.keys(kept.query).sort()).toEqual([
      'authalgorithm',
      'authdate',
      'authexpires',
      'authkeyid',
      'authnonce',
      'authsignature',
      'x',
    ]);
    expect(() => honoNogAuth({ keys: KEYS, rewriteUrl: 'yes' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => honoNogAuth({ keys: KEYS, passPreflight: 1 } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('express', () => {
  it("getNogAuth(req) answers req.nogAuth while it holds that very request's verification: not a copy, not another request's", async () => {
    const app = express5();
    app.use(nogMiddleware({ keys: KEYS }));
    let before: unknown;
    app.get('/p', (req, res) => {
      const r = req as typeof req & { nogAuth?: unknown };
      const verified = getNogAuth(req);
      const checks = { same: verified !== undefined && verified === r.nogAuth, copy: false, other: false, restored: false };
      r.nogAuth = { ...(verified as object) };
      checks.copy = getNogAuth(req) === undefined;
      if (before !== undefined) {
        r.nogAuth = before;
        checks.other = getNogAuth(req) === undefined;
      }
      r.nogAuth = verified;
      checks.restored = getNogAuth(req) === verified;
      before = verified;
      res.json(checks);
    });
    const { base, close } = await listen(createServer(app));
    try {
      const first = await (await fetch(await signed('GET', `${base}/p?x=1`))).json();
      expect(first).toEqual({ same: true, copy: true, other: false, restored: true });
      const second = await (await fetch(await signed('GET', `${base}/p?x=2`))).json();
      expect(second).toEqual({ same: true, copy: true, other: true, restored: true });
    } finally {
      await close();
    }
  });
});
