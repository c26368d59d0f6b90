import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import * as http from '@reqsign/http';
import * as httpFastify from '@reqsign/http/fastify';
import * as httpHono from '@reqsign/http/hono';
import * as httpExpress from '@reqsign/http/express';
import * as httpKoa from '@reqsign/http/koa';
import * as httpKoaState from '@reqsign/http/koa-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostile, mutate, near, options, text, urlish } from './arbitraries.js';
import { expectClean, fuzz, unfuzzedExports } from './harness.js';
import { DATE, KEY, SECRET, signedUrls, wasSigned } from './signed.js';

const NOW = () => DATE + 1000;
const KEYS = { [KEY.id]: SECRET };
/** What every handler behind a verifier answers: a pass is a 200 with this body. */
const PASSED = 'passed';

/** Requests that got through in the current entry: some must (or the pass check was never reached). */
let passes = 0;
/** Failure events seen by the recording `onFailure`, checked for secrets after each input. */
let events: unknown[] = [];

/** The verifier and hook options, near-valid: keys of every kind, hostile stores, clocks, hooks and prefixes. */
const gateOptions = fc.oneof(
  {
    weight: 8,
    arbitrary: options({
      keys: fc.oneof(
        fc.constant(KEYS),
        fc.constant(new Map([[KEY.id, SECRET]])),
        fc.constant((id: string) => (id === KEY.id ? SECRET : undefined)),
        fc.constant(async () => SECRET),
        fc.func(fc.oneof(fc.constant(SECRET), hostile)),
        fc.constant(() => {
          throw new Error(SECRET);
        }),
      ),
      now: fc.oneof({ arbitrary: fc.constant(NOW), weight: 6 }, { arbitrary: fc.func(hostile), weight: 1 }),
      nonceStore: fc.oneof(
        fc.constant({ claim: () => true }),
        fc.constant({ claim: async () => false }),
        fc.constant({
          claim: () => {
            throw new Error(SECRET);
          },
        }),
        fc.constant({ claim: () => Promise.reject(new Error(SECRET)) }),
        fc.record({ claim: fc.func(hostile) }),
        hostile,
      ),
      mountPrefix: fc.oneof(fc.constantFrom('/api', '/', 'api', '/api/', '/a?b', '/a b', '//', '/a#', '/api/v1'), text),
      onFailure: fc.oneof(
        fc.constant((event: unknown) => void events.push(event)),
        fc.constant(() => {
          throw new Error(SECRET);
        }),
        fc.func(hostile),
      ),
      originalUrl: fc.oneof(
        fc.constant(() => undefined),
        fc.constant(() => null),
        fc.func(fc.oneof(signedUrls, hostile)),
      ),
      rewriteUrl: fc.boolean(),
      verifier: fc.oneof(
        fc.constant({ verify: async () => ({ ok: false, code: 'ERR_AUTH_SIG_INVALID', message: 'Invalid signature.', status: 401 }) }),
        hostile,
      ),
      maxUrlLength: fc.integer({ min: -1, max: 400 }),
      keyLookupTimeoutMs: fc.integer({ min: -1, max: 2 ** 32 }),
    }),
  },
  // Options that work, with the hooks that misbehave: so that signed requests get through and the pass check runs.
  {
    weight: 4,
    arbitrary: fc.record(
      {
        keys: fc.constantFrom<unknown>(KEYS, new Map([[KEY.id, SECRET]]), async () => SECRET),
        now: fc.constant(NOW),
        mountPrefix: fc.constantFrom('/api', ''),
        onFailure: fc.constantFrom(
          (event: unknown) => void events.push(event),
          () => {
            throw new Error(SECRET);
          },
        ),
        nonceStore: fc.constant({ claim: () => true }),
      },
      { requiredKeys: ['keys', 'now'] },
    ),
  },
  // A key lookup that never settles: the verifier's timeout makes it a 503 (a short one, so no input waits long).
  { weight: 1, arbitrary: fc.constant({ keys: () => new Promise(() => {}), keyLookupTimeoutMs: 20, now: NOW }) },
);

/** A target a client sends: signed, signed then changed, signed under `/api` and sent without it, or any URL. */
const target = fc.oneof(
  { weight: 3, arbitrary: signedUrls },
  { weight: 3, arbitrary: mutate(signedUrls) },
  { weight: 1, arbitrary: signedUrls.map((u) => (u.startsWith('/api') ? u.slice(4) : u)) },
  { weight: 1, arbitrary: urlish },
);
const method = fc.oneof(
  { arbitrary: fc.constant('GET'), weight: 6 },
  { arbitrary: fc.constantFrom('POST', 'HEAD', 'get', 'PATCH', 'X'), weight: 1 },
);
const headers = fc.oneof(
  fc.constant({}),
  fc.dictionary(fc.constantFrom('x-original-url', 'host', 'authorization', 'x-forwarded-prefix', 'x'), fc.oneof(signedUrls, text), {
    maxKeys: 3,
  }),
);

/** A fetch-API `Request` for the target, or `undefined` when the platform itself refuses to build one. */
function requestOf(m: string, t: string, h: Record<string, string>): Request | undefined {
  const url = /^[a-z][a-z0-9+.-]*:/i.test(t) ? t : `https://h.example${t.startsWith('/') ? '' : '/'}${t}`;
  for (const init of [{ method: m, headers: h }, { method: m }]) {
    try {
      return new Request(url, init);
    } catch {
      // the next init, then none: the Request constructor's own refusal is not the middleware's
    }
  }
  return undefined;
}

/**
 * The URLs a pass may have been verified with, as the integrations document it: the `originalUrl` hook's answer when
 * it gave a string (then nothing else), else the URL received, with the stripped `mountPrefix` put back in front of
 * its path (a fetch-API request's absolute URL keeps its origin; a Node request line gets the prefix in front of it
 * all). A bare root (`/`, `/?q`) was either `/api/` or `/api` at the client. A prefix the options refuse never gets
 * this far (the integration throws a typed error).
 */
function candidatesOf(kind: 'fetch' | 'node', received: unknown, prefix: unknown, original: unknown): string[] {
  if (typeof original === 'string') return [original];
  if (typeof received !== 'string') return [];
  if (typeof prefix !== 'string' || prefix === '') return [received];
  const origin = kind === 'fetch' ? (/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(received)?.[0] ?? '') : '';
  const path = received.slice(origin.length);
  if (kind === 'fetch' && (origin === '' || path === '')) return [received];
  if (path === '/' || path.startsWith('/?')) return [origin + prefix + path, origin + prefix + path.slice(1)];
  return [origin + prefix + path];
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: string;
  readonly method: string;
  /** The URLs the request may have been verified with (a pass must be one the signer made). */
  readonly candidates: readonly string[];
}

/** The checks every answer must pass: no 500, a pass only for a signed request, no secret in what goes out. */
function checkAnswer(value: unknown): void {
  if (value === undefined) return; // the platform refused to build the request
  const a = value as Answer;
  expect([200, 400, 401, 503]).toContain(a.status);
  if (a.status === 200) {
    passes++;
    expect(a.body).toBe(PASSED);
    expect(a.candidates.some((u) => wasSigned(a.method, u))).toBe(true);
  }
  expect(a.body).not.toContain(SECRET);
  expect(a.headers).not.toContain(SECRET);
  const seen = events;
  events = [];
  expect(JSON.stringify(seen)).not.toContain(SECRET);
}

/**
 * What the options' `originalUrl` hook answers for `subject`. The hooks are pure functions of their argument (fast-check
 * derives a `fc.func`'s answer from it), so the answer is the one the verifier got only while `subject` is as the
 * verifier saw it: a Node request or Koa context must be asked before the middleware runs (it sets `nogAuth`, the
 * status, the rewritten URL), or the hook answers for another argument.
 */
function proxyUrlOf(o: unknown, subject: unknown): unknown {
  const { originalUrl } = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
  try {
    return typeof originalUrl === 'function' ? originalUrl(subject) : undefined;
  } catch {
    return undefined;
  }
}

/** A fetch-API `Response` as an {@link Answer}. */
async function answerOf(response: Response, request: Request, o: unknown, original: unknown): Promise<Answer> {
  const { mountPrefix } = (typeof o === 'object' && o !== null ? o : {}) as { mountPrefix?: unknown };
  return {
    status: response.status,
    body: await response.text(),
    headers: JSON.stringify([...response.headers]),
    method: request.method,
    candidates: candidatesOf('fetch', request.url, mountPrefix, original),
  };
}

/** One HTTP/1.1 request over a raw socket (so the request line is exactly what the fuzz wrote): the status and body. */
function rawRequest(port: number, m: string, t: string): Promise<{ status: number; body: string; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
    socket.end(`${m} ${t} HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}

/** Request lines a hostile client writes: fragments, absolute-form and `//` targets, raw bytes. */
const rawTarget = fc.oneof(
  { weight: 4, arbitrary: target },
  { weight: 1, arbitrary: signedUrls.map((u) => `${u}#frag`) },
  { weight: 1, arbitrary: fc.constantFrom('/p?x#frag', '//', '//h.example/p', '*', 'http://h.example', '/p?authkeyid') },
  { weight: 1, arbitrary: fc.oneof(signedUrls, mutate(signedUrls)).map((u) => `http://h.example${u}`) },
  { weight: 1, arbitrary: signedUrls.map((u) => `/${u}`) },
);
const rawMethod = fc.oneof(
  { arbitrary: fc.constant('GET'), weight: 6 },
  { arbitrary: fc.constantFrom('POST', 'HEAD', 'get', 'G\u00e9T', 'M-SEARCH'), weight: 1 },
);

/** The answer of a server over a raw socket, as an {@link Answer}: the target the client wrote is what it signed. */
async function rawAnswer(port: number, m: string, t: string): Promise<Answer> {
  const r = await rawRequest(port, m, t);
  // Node answers a request line it cannot parse with 400 before any middleware runs.
  return { status: r.status, body: r.body, headers: r.head, method: m, candidates: [t] };
}

let nodeServer: Server;
let koaServer: Server;
let fastifyApp: ReturnType<typeof Fastify>;

beforeAll(async () => {
  const auth = http.nogMiddleware({ keys: KEYS, now: NOW, onFailure: (e) => void events.push(e) });
  nodeServer = createServer((req, res) =>
    auth(req, res, (err) => {
      res.statusCode = err === undefined ? 200 : 500;
      res.end(err === undefined ? PASSED : 'error');
    }),
  );
  const koa = new Koa();
  koa.use(httpKoa.nogAuth({ keys: KEYS, now: NOW, onFailure: (e) => void events.push(e) }) as never);
  koa.use((ctx) => {
    ctx.body = PASSED;
  });
  koaServer = koa.listen();
  await Promise.all([nodeServer, koaServer].map((s) => new Promise<void>((r) => (s.listening ? r() : s.listen(0, '127.0.0.1', r)))));
  fastifyApp = fastifyWithRecorder();
  await fastifyApp.register(httpFastify.nogAuth, { keys: KEYS, now: NOW, onFailure: (e: unknown) => void events.push(e) });
  fastifyApp.all('/*', async () => PASSED);
  await fastifyApp.ready();
});

afterAll(async () => {
  await Promise.all([nodeServer, koaServer].map((s) => new Promise((r) => s.close(r))));
  await fastifyApp.close();
});

const portOf = (s: Server): number => (s.address() as { port: number }).port;

/** A Node request and response by shape: what the middleware reads, with near-valid fields. */
const nodeRequest = fc.record(
  { method: near(method), url: near(target), originalUrl: near(target), headers: near(headers) },
  { requiredKeys: ['headers'] },
);

type Entry = { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown; runs?: number; check?: (v: unknown) => void };

const ENTRIES: Record<string, Record<string, Entry>> = {
  '@reqsign/http': {
    withNogAuth: {
      args: fc.tuple(
        fc.oneof(
          { arbitrary: fc.constant(() => new Response(PASSED)), weight: 6 },
          { arbitrary: hostile.filter((h) => typeof h !== 'function'), weight: 1 },
        ),
        gateOptions,
        method,
        target,
        headers,
      ),
      call: async (handler, o, m, t, h) => {
        const wrapped = http.withNogAuth(handler as never, o as never);
        const request = requestOf(m as string, t as string, h as Record<string, string>);
        if (request === undefined) return undefined;
        const original = proxyUrlOf(o, request);
        return answerOf(await wrapped(request), request, o, original);
      },
      check: checkAnswer,
      // Each input builds a verifier (and a real Request, app or context) and signs its URL: about 1 ms, so 2,000
      // inputs, not 10,000, keep the fuzz files within their minute.
      runs: 2000,
    },
    createNogAuthenticator: {
      args: fc.tuple(gateOptions, method, target, headers),
      call: async (o, m, t, h) => {
        const authenticate = http.createNogAuthenticator(o as never);
        const request = requestOf(m as string, t as string, h as Record<string, string>);
        if (request === undefined) return undefined;
        const original = proxyUrlOf(o, request);
        const auth = await authenticate(request);
        if (auth instanceof Response) return answerOf(auth, request, o, original);
        // A pass: the verification is remembered for the request, and it is the one returned.
        expect(http.getNogAuth(request)).toBe(auth);
        return answerOf(new Response(PASSED), request, o, original);
      },
      check: checkAnswer,
      // Each input builds a verifier (and a real Request, app or context) and signs its URL: about 1 ms, so 2,000
      // inputs, not 10,000, keep the fuzz files within their minute.
      runs: 2000,
    },
    getNogAuth: {
      args: fc.tuple(fc.oneof(hostile, fc.constant(new Request('https://h.example/')))),
      call: (r) => http.getNogAuth(r as object),
      check: (v) => expect(v).toBeUndefined(),
    },
    nogMiddleware: {
      args: fc.tuple(gateOptions, nodeRequest),
      call: async (o, req) => {
        const middleware = http.nogMiddleware(o as never);
        const r = req as { method?: unknown; url?: unknown; originalUrl?: unknown };
        const received = r.originalUrl ?? r.url ?? '';
        const original = proxyUrlOf(o, req);
        const out = { status: 0, body: '', headers: [] as unknown[] };
        const res = {
          statusCode: 0,
          setHeader: (name: unknown, value: unknown) => void out.headers.push(name, value),
          end: (body?: string) => {
            out.status = res.statusCode;
            out.body = String(body);
          },
        };
        let failed: { err: unknown } | undefined;
        await middleware(req as never, res, (err?: unknown) => {
          if (err !== undefined) failed = { err };
          else {
            out.status = 200;
            out.body = PASSED;
          }
        });
        // An unexpected exception goes to next(err): it must be a typed one (a misconfigured verifier's).
        if (failed !== undefined) throw failed.err;
        const { mountPrefix } = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
        return {
          status: out.status,
          body: out.body,
          headers: JSON.stringify(out.headers.map(String)),
          method: String(r.method),
          candidates: candidatesOf('node', received, mountPrefix, original),
        } satisfies Answer;
      },
      check: checkAnswer,
      // Each input builds a verifier (and a real Request, app or context) and signs its URL: about 1 ms, so 2,000
      // inputs, not 10,000, keep the fuzz files within their minute.
      runs: 2000,
    },
    'nogMiddleware (node:http server, raw socket)': {
      args: fc.tuple(rawMethod, rawTarget),
      call: (m, t) => rawAnswer(portOf(nodeServer), m as string, t as string),
      check: checkAnswer,
      // Each input is a TCP connection to a real server: 1,000 of them, not 10,000, keep the file within its time.
      runs: 1000,
    },
  },
  '@reqsign/http/hono': {
    nogAuth: {
      args: fc.tuple(gateOptions, method, target, headers),
      call: async (o, m, t, h) => {
        const app = new Hono();
        let escaped: { err: unknown } | undefined;
        app.onError((err, c) => {
          escaped = { err };
          return c.text('error', 500);
        });
        app.use('*', httpHono.nogAuth(o as never));
        app.all('*', (c) => c.text(PASSED));
        const request = requestOf(m as string, t as string, h as Record<string, string>);
        if (request === undefined) return undefined;
        const original = proxyUrlOf(o, request);
        const response = await app.request(request);
        if (escaped !== undefined) throw escaped.err;
        return answerOf(response, request, o, original);
      },
      check: checkAnswer,
      // Each input builds a verifier (and a real Request, app or context) and signs its URL: about 1 ms, so 2,000
      // inputs, not 10,000, keep the fuzz files within their minute.
      runs: 2000,
    },
  },
  '@reqsign/http/fastify': {
    nogAuth: {
      args: fc.tuple(gateOptions, method, target),
      call: async (o, m, t) => {
        const app = fastifyWithRecorder(o);
        let escaped: { err: unknown } | undefined;
        app.setErrorHandler(async (err: unknown, _request: FastifyRequest, reply: FastifyReply) => {
          escaped = { err };
          return reply.code(500).send('error');
        });
        try {
          await app.register(httpFastify.nogAuth, o as never);
          app.all('/*', async () => PASSED);
          await app.ready();
          const answer = await injectAnswer(app, m as string, t as string, o);
          // What the hook threw (a misconfigured verifier's error) goes to Fastify's error handler: it must be typed.
          if (escaped !== undefined) throw escaped.err;
          return answer;
        } finally {
          await app.close();
        }
      },
      check: checkAnswer,
      // A Fastify instance per input (register, ready, close): 300 of them keep the file within its time.
      runs: 300,
    },
    'nogAuth (one app, inject)': {
      args: fc.tuple(rawMethod, rawTarget),
      call: (m, t) => injectAnswer(fastifyApp, m as string, t as string, {}),
      check: checkAnswer,
      // light-my-request runs the whole Fastify request path per input: 2,000 keep the file within its time.
      runs: 2000,
    },
  },
  '@reqsign/http/koa': {
    nogAuth: {
      args: fc.tuple(gateOptions, nodeRequest),
      call: async (o, req) => {
        const middleware = httpKoa.nogAuth(o as never);
        const r = req as { method?: unknown; url?: unknown; originalUrl?: unknown };
        const headers: string[] = [];
        const ctx = {
          method: r.method,
          url: r.url,
          originalUrl: r.originalUrl ?? r.url,
          status: 404,
          body: undefined as unknown,
          set: (name: string, value: string) => void headers.push(name, value),
          state: {} as Record<string, unknown>,
          req: {},
        };
        const received = ctx.originalUrl;
        const original = proxyUrlOf(o, ctx);
        await middleware(ctx as never, async () => {
          ctx.status = 200;
          ctx.body = PASSED;
        });
        const { mountPrefix } = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
        return {
          status: ctx.status,
          body: String(ctx.body),
          headers: JSON.stringify(headers),
          method: String(r.method),
          candidates: candidatesOf('node', received, mountPrefix, original),
        } satisfies Answer;
      },
      check: checkAnswer,
      // Each input builds a verifier (and a real Request, app or context) and signs its URL: about 1 ms, so 2,000
      // inputs, not 10,000, keep the fuzz files within their minute.
      runs: 2000,
    },
    'nogAuth (koa server, raw socket)': {
      args: fc.tuple(rawMethod, rawTarget),
      call: (m, t) => rawAnswer(portOf(koaServer), m as string, t as string),
      check: checkAnswer,
      // Each input is a TCP connection to a real server: 1,000 of them keep the file within its time.
      runs: 1000,
    },
  },
};

/**
 * What a Fastify app received: the request line (light-my-request normalizes what it is given: upper case, no tabs),
 * and the `originalUrl` hook's answer for the request as the plugin's hook sees it.
 */
let injected: { method: string; url: string; original: unknown } = { method: '', url: '', original: undefined };

/**
 * A Fastify app whose first hook records the request line and asks the options' `originalUrl` hook, before the
 * plugin's hook runs (which sets `nogAuth` and rewrites the URL, so the same question afterwards is another one).
 */
function fastifyWithRecorder(o: unknown = {}): ReturnType<typeof Fastify> {
  const app = Fastify();
  app.addHook('onRequest', async (request) => {
    injected = { method: request.raw.method ?? '', url: request.raw.url ?? '', original: proxyUrlOf(o, request) };
  });
  return app;
}

/** A Fastify app's answer to an injected request; what light-my-request itself refuses to send is no answer. */
async function injectAnswer(app: ReturnType<typeof Fastify>, m: string, t: string, o: unknown): Promise<Answer | undefined> {
  injected = { method: '', url: '', original: undefined };
  let response;
  try {
    response = await app.inject({ method: m as 'GET', url: t });
  } catch (err) {
    // The injector's own refusal (a method or URL it cannot represent) happens before the plugin runs.
    if (String((err as Error).stack).includes('/packages/http/')) throw err;
    return undefined;
  }
  const { mountPrefix } = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
  return {
    status: response.statusCode,
    body: response.body,
    headers: JSON.stringify(response.headers),
    method: injected.method,
    candidates: candidatesOf('node', injected.url, mountPrefix, injected.original),
  };
}

const MODULES: Record<string, Record<string, unknown>> = {
  '@reqsign/http': http,
  '@reqsign/http/hono': httpHono,
  '@reqsign/http/fastify': httpFastify,
  '@reqsign/http/koa': httpKoa,
};

describe('@reqsign/http', () => {
  it('has an entry for every exported function of every entry point', () => {
    for (const [name, module] of Object.entries(MODULES)) {
      expect(unfuzzedExports(module, Object.keys(ENTRIES[name]!), ['ReqsignError', 'NogError']), name).toEqual([]);
    }
    // The typed entries add types only: their functions are the fuzzed ones themselves.
    expect({ ...httpExpress }).toEqual({ nogMiddleware: http.nogMiddleware, getNogAuth: http.getNogAuth });
    expect(httpExpress.nogMiddleware).toBe(http.nogMiddleware);
    expect({ ...httpKoaState }).toEqual({ ...httpKoa });
    expect(httpKoaState.nogAuth).toBe(httpKoa.nogAuth);
  });

  for (const [module, entries] of Object.entries(ENTRIES)) {
    for (const [entry, { args, call, runs, check }] of Object.entries(entries)) {
      it(`${module} ${entry}: answers 200 only for a signed request, else 401/503 with no secret, or refuses its options with a typed error`, async () => {
        passes = 0;
        expectClean(
          await fuzz(`${module}.${entry}`, args, call, {
            secrets: [SECRET],
            ...(runs === undefined ? {} : { runs }),
            ...(check === undefined ? {} : { check }),
          }),
        );
        if (entry !== 'getNogAuth') expect(passes, 'signed requests that got through').toBeGreaterThan(0);
      });
    }
  }
});
