/**
 * A browser on one origin calling APIs on others: Debian's Chromium (playwright-core), one page, makes real
 * cross-origin signed POSTs with the documented browser client (`createNogFetch` of @reqsign/nog's WebCrypto build,
 * bundled for the browser) to each integration with its framework's CORS middleware placed as the README says
 * (before the nog middleware). The JSON content type makes each POST preflighted. Servers and browser start once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import fastifyCors from '@fastify/cors';
import { serve } from '@hono/node-server';
import koaCors from '@koa/cors';
import cors from 'cors';
import { build } from 'esbuild';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNogAuth, nogMiddleware } from '@reqsign/http';
import { nogAuth as fastifyNogAuth } from '@reqsign/http/fastify';
import { nogAuth as honoNogAuth } from '@reqsign/http/hono';
import { nogAuth as koaNogAuth } from '@reqsign/http/koa';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/lib/chromium.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { KEY, KEYS } from './helpers.js';

requirePrograms('chromium');

interface Api {
  readonly url: string;
  /** The methods the server received, in order (to see the preflight). */
  readonly methods: string[];
  close(): Promise<void>;
}

const listen = async (server: Server): Promise<Api> => {
  const methods: string[] = [];
  server.prependListener('request', (req: IncomingMessage) => methods.push(req.method ?? ''));
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    methods,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** What each API answers for a verified POST: the key id and the query it sees. */
const answer = (keyId: string, query: unknown) => ({ keyId, query });

/** Each integration as its README section shows it, with CORS for the page's origin in front of the nog middleware. */
const APIS: Record<string, (origin: string) => Promise<Api>> = {
  'node:http': async (origin) => {
    const auth = nogMiddleware({ keys: KEYS });
    // CORS by hand, before the middleware: the headers on every answer (401 and 503 too), preflights answered here.
    const withCors = (req: IncomingMessage, res: ServerResponse): boolean => {
      if (req.headers.origin === origin) res.setHeader('access-control-allow-origin', origin);
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE');
        res.setHeader('access-control-allow-headers', 'content-type');
        res.writeHead(204).end();
        return true;
      }
      return false;
    };
    return listen(
      createServer((req, res) => {
        if (withCors(req, res)) return;
        void auth(req, res, (err) => {
          if (err) return void res.writeHead(500).end();
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(answer(getNogAuth(req)!.keyId, Object.fromEntries(new URL(req.url!, 'http://x').searchParams))));
        });
      }),
    );
  },
  express: async (origin) => {
    const app = express();
    app.use(cors({ origin }));
    app.use('/api', nogMiddleware({ keys: KEYS }));
    app.post('/api/blobs/:id', (req, res) => res.json(answer(req.nogAuth!.keyId, req.query)));
    return listen(createServer(app));
  },
  fastify: async (origin) => {
    const app = Fastify();
    await app.register(fastifyCors, { origin });
    await app.register(fastifyNogAuth, { keys: KEYS });
    app.post('/api/blobs/:id', async (request) => answer(request.nogAuth!.keyId, request.query));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const api = await listen(app.server);
    return { ...api, close: () => app.close() };
  },
  koa: async (origin) => {
    const app = new Koa();
    app.use(koaCors({ origin }));
    app.use(koaNogAuth({ keys: KEYS }));
    app.use((ctx) => {
      ctx.body = answer((ctx.state['nogAuth'] as { keyId: string }).keyId, ctx.query);
    });
    return listen(createServer(app.callback()));
  },
  'hono (@hono/node-server)': async (origin) => {
    const app = new Hono()
      .use('/api/*', honoCors({ origin }))
      .use('/api/*', honoNogAuth({ keys: KEYS }))
      .post('/api/blobs/:id', (c) => c.json(answer(c.get('nogAuth').keyId, c.req.query())));
    return listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
  },
};

/**
 * CORS after the middleware (Fastify's `hook: 'preHandler'`, a CORS handler below the middleware): the preflight reaches
 * the nog middleware first, which lets it through (passPreflight). Only the signed request can be read then: a 401 goes
 * out before the CORS headers would be added, which is why the README puts CORS first.
 */
const AFTER: Record<string, (origin: string) => Promise<Api>> = {
  'fastify, @fastify/cors on preHandler': async (origin) => {
    const app = Fastify();
    await app.register(fastifyCors, { origin, hook: 'preHandler' });
    await app.register(fastifyNogAuth, { keys: KEYS });
    app.post('/api/blobs/:id', async (request) => answer(request.nogAuth!.keyId, request.query));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const api = await listen(app.server);
    return { ...api, close: () => app.close() };
  },
  'express, cors() after nogMiddleware': async (origin) => {
    const app = express();
    app.use('/api', nogMiddleware({ keys: KEYS }));
    app.use(cors({ origin }));
    app.post('/api/blobs/:id', (req, res) => res.json(answer(req.nogAuth!.keyId, req.query)));
    return listen(createServer(app));
  },
};

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>cors</title><script type="module">import * as nog from "/nog.js"; globalThis.nog = nog;</script>';
type Nog = typeof import('@reqsign/nog');

let browser: Browser;
let page: Page;
let site: Api;
const apis: Record<string, Api> = {};

beforeAll(async () => {
  // The documented browser client: @reqsign/nog bundled for the browser (its WebCrypto build).
  const bundle = await build({
    stdin: { contents: "export { createNogFetch } from '@reqsign/nog';", resolveDir: fileURLToPath(new URL('.', import.meta.url)) },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  site = await listen(
    createServer((req, res) => {
      const [type, body] = req.url === '/nog.js' ? ['text/javascript', bundle.outputFiles[0]!.text] : ['text/html; charset=utf-8', PAGE];
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    }),
  );
  for (const [name, start] of Object.entries({ ...APIS, ...AFTER })) apis[name] = await start(site.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
  page = await browser.newPage();
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => 'nog' in globalThis);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const api of Object.values(apis)) await api.close();
  await site?.close();
});

/** A POST from the page, JSON body (so preflighted): signed with createNogFetch, or plain fetch when `key` is null. */
const post = (url: string, key: typeof KEY | null) =>
  page.evaluate(
    async ({ url, key }) => {
      const nog = (globalThis as unknown as { nog: Nog }).nog;
      const send = key === null ? fetch : nog.createNogFetch({ key });
      try {
        const res = await send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      } catch (err) {
        return { status: 0, body: { error: String(err) } };
      }
    },
    { url, key },
  );

describe.each(Object.keys(APIS))('Chromium, cross-origin, %s', (name) => {
  it('the preflight passes and the signed POST verifies, with the auth parameters out of the query', async () => {
    const api = apis[name]!;
    api.methods.length = 0;
    const r = await post(`${api.url}/api/blobs/abc?x=1`, KEY);
    expect(r).toEqual({ status: 200, body: { keyId: KEY.id, query: { x: '1' } } });
    expect(api.methods).toEqual(['OPTIONS', 'POST']);
  });

  it('an unsigned cross-origin POST is refused with a 401 the page can read', async () => {
    const api = apis[name]!;
    api.methods.length = 0;
    const r = await post(`${api.url}/api/blobs/abc?x=1`, null);
    expect(r).toEqual({
      status: 401,
      body: { statusCode: 401, errorCode: 'ERR_AUTH_FIELD_MISSING', message: 'Invalid signature (missing authkeyid).' },
    });
    expect(api.methods).toEqual(['OPTIONS', 'POST']);
  });
});

describe.each(Object.keys(AFTER))('Chromium, cross-origin, %s', (name) => {
  it('the preflight goes through the nog middleware to the CORS layer, and the signed POST verifies', async () => {
    const api = apis[name]!;
    api.methods.length = 0;
    const r = await post(`${api.url}/api/blobs/abc?x=1`, KEY);
    expect(r).toEqual({ status: 200, body: { keyId: KEY.id, query: { x: '1' } } });
    expect(api.methods).toEqual(['OPTIONS', 'POST']);
  });

  it('an unsigned POST is refused, and the page cannot read why (the 401 left before the CORS headers): why CORS goes first', async () => {
    const api = apis[name]!;
    api.methods.length = 0;
    const r = await post(`${api.url}/api/blobs/abc?x=1`, null);
    expect(r.status).toBe(0);
    expect(String(r.body['error'])).toMatch(/TypeError/);
    expect(api.methods).toEqual(['OPTIONS', 'POST']);
  });
});
