/**
 * A differential review of the server integrations on hostile and odd raw HTTP requests: one server per integration
 * for the whole file, on loopback, each request written byte by byte over a `net` socket (nothing normalises it),
 * signed with node:crypto as docs/spec/nog-v1.md says (this file's own signer, not the package's) and then mangled,
 * or sent as it comes. For each request every integration must give the verdict of the plain fetch handler
 * (`withNogAuth`): the status, the error code in the body, and on success the target and query the verifier
 * reports, the URL and parsed query the application sees, and the onFailure event; or a difference listed in
 * `DIFFERENCES` (each in the README's "Odd and hostile requests"). Never a crash, an unhandled rejection, a hang, a
 * 500, or the secret (or a userinfo password) in a response or a log line.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { serve } from '@hono/node-server';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { getQueryParams } from 'hono/utils/url';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryNonceStore } from '@reqsign/nog';
import { getNogAuth, nogMiddleware, withNogAuth, type NogAuth, type NogFailureEvent } from '@reqsign/http';
import { nogAuth as fastifyNogAuth } from '@reqsign/http/fastify';
import { nogAuth as honoNogAuth } from '@reqsign/http/hono';
import { nogAuth as koaNogAuth } from '@reqsign/http/koa';
import fc from 'fast-check';
import { pathOf } from '../src/internal/hooks.js';

const KEY = { id: '0123456789abcdef0123', secret: 'f00dfacecafe0123456789abcdef0123456789ab' };
const KEYS = { [KEY.id]: KEY.secret };
/** How long one request may take before it counts as a hang. */
const HANG_MS = 10_000;

// ---------------------------------------------------------------------------------------------------------------
// The signer, from docs/spec/nog-v1.md ("Signing"), over node:crypto.

const authdateOf = (date: Date): string => date.toISOString().replace(/:|\.[^Z]*/g, '');

interface SignOptions {
  nonce?: string | null;
  expires?: number;
  date?: Date;
  key?: { id: string; secret: string };
  /** The string the HMAC covers instead of `target` (when the wire carries other bytes than the client signed). */
  signedAs?: string;
}

/** The target with the auth parameters and `&authsignature=` appended (`target` has no fragment). */
function nogSign(method: string, target: string, options: SignOptions = {}): string {
  const key = options.key ?? KEY;
  const params = (t: string): string =>
    `${t}${t.includes('?') ? '&' : '?'}authalgorithm=nog-v1&authkeyid=${key.id}&authdate=${authdateOf(options.date ?? new Date())}` +
    `&authexpires=${options.expires ?? 600}${options.nonce === null ? '' : `&authnonce=${options.nonce ?? 'n'}`}`;
  const withParams = params(target);
  const covered = options.signedAs === undefined ? withParams : params(options.signedAs);
  const signature = createHmac('sha256', Buffer.from(key.secret, 'utf8'))
    .update(Buffer.from(`${method}\n${covered}\n`, 'utf8'))
    .digest('hex');
  return `${withParams}&authsignature=${signature}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The servers. Each answers a request that passed with what its application sees; a CORS preflight let through
// with `{preflight:true}`; an error that reached the framework's error handler with 500 (recorded).

/**
 * What an application saw: the verifier's target and query, the URL (path and query) the framework shows, and
 * whether the framework's parsed query is what its own parser makes of the verified query (`same`), else what it is.
 */
interface Seen {
  preflight?: true;
  target?: string;
  query?: string | null;
  app?: string;
  parsed?: unknown;
}

const errors: Array<[string, unknown]> = [];
/** Each server's onFailure events, in order, and every event as a log line would hold it. */
const events: Record<string, NogFailureEvent[]> = {};
const logged: string[] = [];

const seen = (auth: NogAuth | undefined, app: string, parsed?: unknown, parse?: (query: string) => unknown): string => {
  if (auth === undefined) return JSON.stringify({ preflight: true } satisfies Seen);
  const view: Seen = { target: auth.target, query: auth.query, app };
  if (parse !== undefined) {
    const expected = parse(auth.query ?? '');
    view.parsed = isDeepStrictEqual({ ...(parsed as object) }, { ...(expected as object) }) ? 'same' : { parsed, expected };
  }
  return JSON.stringify(view);
};

/** The path and query of a URL, absolute or not (an empty path is `/`, as HTTP sends it): what a handler routes on. */
const pathAndQuery = (url: string): string => {
  if (url.startsWith('/')) return url;
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return rest.startsWith('/') ? rest : `/${rest}`;
};

/**
 * A query parser that groups names as qs does (`a[]=1&a=2` is `a: ['1', '2']`, `a[x]=1` is `a: {x: '1'}`): what
 * an application may give Fastify as `querystringParser`.
 */
const groupingParser = (query: string): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const bracket = /^([^[]+)\[([^\]]*)\]$/.exec(name);
    if (bracket === null) {
      const had = out[name];
      out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    } else if (bracket[2] === '') {
      const had = out[bracket[1]!];
      out[bracket[1]!] = had === undefined ? [value] : Array.isArray(had) ? [...had, value] : [had, value];
    } else {
      out[bracket[1]!] ??= {};
      const had = out[bracket[1]!];
      if (typeof had === 'object' && had !== null) (had as Record<string, unknown>)[bracket[2]!] = value;
    }
  }
  return out;
};

const options = (server: string) => ({
  keys: KEYS,
  nonceStore: new MemoryNonceStore(),
  onFailure: (e: NogFailureEvent) => {
    events[server] ??= [];
    events[server].push(e);
    logged.push(JSON.stringify(e));
  },
});

type Options = ReturnType<typeof options>;
type Started = { port: number; server: Server; close: () => Promise<void> };
const listen = async (server: Server): Promise<Started> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * Fastify with a route for every method, a body parser for every content type (a body is the application's), and
 * its own errors (a 4xx) answered as Fastify does; `querystringParser` as given.
 */
async function startFastify(name: string, o: Options, querystringParser?: (query: string) => Record<string, unknown>): Promise<Started> {
  const routerOptions = querystringParser === undefined ? {} : { routerOptions: { querystringParser } };
  const app = Fastify(routerOptions);
  // The same Fastify without the plugin: what its parser makes of a query, asked in-process.
  const scratch = Fastify(routerOptions);
  scratch.get('*', async (request) => request.query);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((err: { statusCode?: number }, _request, reply) => {
    if (err.statusCode !== undefined && err.statusCode < 500) return reply.code(err.statusCode).send();
    errors.push([name, err]);
    return reply.code(500).send('error');
  });
  await app.register(fastifyNogAuth, o);
  for (const method of ['PROPFIND', 'M-SEARCH']) if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  app.route({
    method: app.supportedMethods,
    url: '*',
    handler: async (req, reply) => {
      const clean = req.nogAuth?.query;
      // Over a raw socket: inject() would escape the URL first.
      const expected =
        clean === undefined ? undefined : JSON.parse((await exchange(scratchPort, [request('GET', `/?${clean ?? ''}`)])).body);
      return reply.type('application/json').send(seen(req.nogAuth, pathAndQuery(req.url), req.query, () => expected));
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await scratch.listen({ port: 0, host: '127.0.0.1' });
  const scratchPort = (scratch.server.address() as AddressInfo).port;
  return {
    port: (app.server.address() as AddressInfo).port,
    server: app.server,
    close: async () => {
      await scratch.close();
      await app.close();
    },
  };
}

/** Each integration in its framework, with the options given (one server per integration for the whole file). */
const SERVERS: Record<string, (o: Options) => Promise<Started>> = {
  fetch: (o) => {
    const handler = withNogAuth((request) => {
      const auth = getNogAuth(request)!;
      return new Response(seen(auth, auth.target), { headers: { 'content-type': 'application/json' } });
    }, o);
    return listen(serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }) as Server);
  },
  hono: (o) => {
    const app = new Hono().use('*', honoNogAuth(o)).all('*', (c) => {
      const auth = c.get('nogAuth') as NogAuth | undefined;
      const honoQueries = (query: string) => getQueryParams(`http://h/?${query}`);
      return c.body(seen(auth, pathAndQuery(c.req.url), c.req.queries(), honoQueries), 200, { 'content-type': 'application/json' });
    });
    app.onError((err, c) => {
      errors.push(['hono', err]);
      return c.body('error', 500);
    });
    return listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
  },
  'node:http': (o) => {
    const auth = nogMiddleware(o);
    return listen(
      createServer((req, res) =>
        auth(req, res, (err) => {
          if (err) {
            errors.push(['node:http', err]);
            res.statusCode = 500;
            return void res.end('error');
          }
          res.setHeader('content-type', 'application/json');
          res.end(seen(getNogAuth(req), pathAndQuery(req.url!)));
        }),
      ),
    );
  },
  'express 4': (o) => {
    const app = express4();
    app.use(nogMiddleware(o));
    app.use(
      (req, res) => void res.type('json').send(seen(getNogAuth(req), pathAndQuery(req.originalUrl), req.query, app.get('query parser fn'))),
    );
    app.use((err: unknown, _req: unknown, res: express4.Response, _next: unknown) => {
      errors.push(['express 4', err]);
      res.status(500).end('error');
    });
    return listen(createServer(app));
  },
  'express 5': (o) => {
    const app = express5();
    app.use(nogMiddleware(o));
    app.use(
      (req, res) => void res.type('json').send(seen(getNogAuth(req), pathAndQuery(req.originalUrl), req.query, app.get('query parser fn'))),
    );
    app.use((err: unknown, _req: unknown, res: express5.Response, _next: unknown) => {
      errors.push(['express 5', err]);
      res.status(500).end('error');
    });
    return listen(createServer(app));
  },
  fastify: (o) => startFastify('fastify', o),
  'fastify, grouping parser': (o) => startFastify('fastify, grouping parser', o, groupingParser),
  koa: (o) => {
    const app = new Koa();
    app.on('error', (err: unknown) => errors.push(['koa', err]));
    app.use(koaNogAuth(o) as never);
    app.use((ctx) => {
      ctx.type = 'application/json';
      // What Koa itself makes of a query: a context of the same app for a request to it.
      const koaQuery = (query: string) => app.createContext({ url: `/?${query}`, headers: {}, socket: {} } as never, {} as never).query;
      ctx.body = seen(ctx.state.nogAuth as NogAuth | undefined, pathAndQuery(ctx.url), ctx.query, koaQuery);
    });
    return listen(createServer(app.callback()));
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The raw client.

/** One step of a request: bytes to write, a pause, waiting for the server's first bytes, or closing mid-request. */
type Step = Buffer | { pause: number } | 'await-data' | 'destroy';

interface Reply {
  status: number | 'none' | 'hang';
  headers: Record<string, string>;
  body: string;
  raw: string;
  /** The statuses of the answers after the first (pipelined requests). */
  more: number[];
}

function exchange(port: number, steps: readonly Step[]): Promise<Reply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let waiting: (() => void) | undefined;
    let done = false;
    const finish = (status: 'none' | 'hang' | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks), status));
    };
    const timer = setTimeout(() => finish('hang'), HANG_MS);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      waiting?.();
    });
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('connect', async () => {
      for (const step of steps) {
        if (done) return;
        if (Buffer.isBuffer(step)) socket.write(step);
        else if (step === 'destroy') return void socket.end();
        else if (step === 'await-data') {
          if (chunks.length === 0) await new Promise<void>((r) => (waiting = r));
          waiting = undefined;
        } else await new Promise((r) => setTimeout(r, step.pause));
      }
    });
  });
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!(size > 0)) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** The answers on a connection, in order (interim 1xx answers left out). */
function parse(data: Buffer, status: 'none' | 'hang' | undefined): Reply {
  const raw = data.toString('latin1');
  const answers: Array<{ status: number; headers: Record<string, string>; body: string }> = [];
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [line, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const colon = l.indexOf(':');
      headers[l.slice(0, colon).toLowerCase()] = l.slice(colon + 1).trim();
    }
    const code = Number(line!.split(' ')[1]);
    let after = rest.subarray(end + 4);
    if (code >= 100 && code < 200) {
      rest = after;
      continue;
    }
    let body: Buffer;
    if (headers['content-length'] !== undefined) {
      body = after.subarray(0, Number(headers['content-length']));
      after = after.subarray(body.length);
    } else if (headers['transfer-encoding'] === 'chunked') {
      body = dechunk(after);
      after = Buffer.alloc(0);
    } else {
      body = after;
      after = Buffer.alloc(0);
    }
    answers.push({ status: code, headers, body: body.toString('utf8') });
    rest = after;
  }
  if (answers.length === 0) return { status: status ?? 'none', headers: {}, body: '', raw, more: [] };
  const [first, ...more] = answers;
  return { ...first!, raw, more: more.map((a) => a.status) };
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus.

/** A request line and headers (latin1: one byte a character), `Connection: close`, then an optional body. */
function request(method: string, target: string, headers: Array<[string, string]> = [], body = ''): Buffer {
  const host = headers.some(([n]) => n.toLowerCase() === 'host') ? [] : ['Host: example.test'];
  const head = [`${method} ${target} HTTP/1.1`, ...host, ...headers.map(([n, v]) => `${n}: ${v}`), 'Connection: close'];
  if (body !== '' && !headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) head.push(`Content-Length: ${body.length}`);
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

/** UTF-8 bytes as a latin1 string: what goes on the wire for a raw non-ASCII target. */
const utf8Wire = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

interface Case {
  name: string;
  steps: Step[];
}

let counter = 0;
/** A fresh nonce per case, so that no case replays another's in a server's store. */
const nonce = (): string => `c${++counter}`;

/** A signed target of exactly `total` characters (a long query). */
function long(total: number): string {
  const n = nonce();
  const base = nogSign('GET', '/p?x=', { nonce: n }).length;
  return nogSign('GET', `/p?x=${'a'.repeat(total - base)}`, { nonce: n });
}

function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, ...steps: Step[]) => cases.push({ name, steps });
  const get = (name: string, target: string, headers?: Array<[string, string]>) => add(name, request('GET', target, headers));

  get('baseline', nogSign('GET', '/p?x=1', { nonce: nonce() }));
  get('no query of its own', nogSign('GET', '/p', { nonce: nonce() }));
  get('empty query of its own', nogSign('GET', '/p?', { nonce: nonce() }));
  get('no nonce', nogSign('GET', '/p?x=1', { nonce: null }));
  get('unsigned', '/p?x=1');
  get('root', nogSign('GET', '/', { nonce: nonce() }));

  // Request-target forms (RFC 9112 3.2).
  get('absolute-form', `http://example.test${nogSign('GET', '/p?x=1', { nonce: nonce() })}`);
  get('absolute-form, Host differs', `http://other.example${nogSign('GET', '/p?x=1', { nonce: nonce() })}`, [['Host', 'evil.example']]);
  get('origin-form, Host with a path', nogSign('GET', '/p?x=1', { nonce: nonce() }), [['Host', 'evil.example/other?a=b']]);
  get('absolute-form with a port and userinfo', `http://u:pw@example.test:8080${nogSign('GET', '/p?x=1', { nonce: nonce() })}`);
  get('absolute-form https', `https://example.test${nogSign('GET', '/p', { nonce: nonce() })}`);
  get(
    'absolute-form signed over the host',
    `http://example.test/p?${nogSign('GET', 'http://example.test/p', { nonce: nonce() }).split('?')[1]}`,
  );
  get('absolute-form, empty path', `http://example.test${nogSign('GET', '/', { nonce: nonce() }).slice(1)}`);
  get('absolute-form, other scheme', `ftp://example.test${nogSign('GET', '/p', { nonce: nonce() })}`);
  get('absolute-form, userinfo and no path, unsigned', 'http://user:hunter2@example.test?x=1');
  get('absolute-form, userinfo, unsigned', 'http://user:hunter2@example.test/p?x=1');
  get('authority-form', 'example.test:80');
  get('authority-form with auth parameters', `example.test:80${nogSign('GET', '/', { nonce: nonce() }).slice(1)}`);
  get('asterisk-form GET', '*');
  add('asterisk-form OPTIONS', request('OPTIONS', '*'));
  get('no leading slash', nogSign('GET', 'p?x=1', { nonce: nonce() }));

  // Paths.
  get('// path', nogSign('GET', '//api/x?y=1', { nonce: nonce() }));
  get('//host-like path', nogSign('GET', '//evil.example/p', { nonce: nonce() }));
  get('/// path', nogSign('GET', '///p', { nonce: nonce() }));
  get('dot segments', nogSign('GET', '/a/../p/./q', { nonce: nonce() }));
  get('encoded dot segments', nogSign('GET', '/a/%2e%2e/p', { nonce: nonce() }));
  get('backslash in the path', nogSign('GET', '/a\\b', { nonce: nonce() }));
  get('backslash in the query', nogSign('GET', '/a?b=\\', { nonce: nonce() }));
  get('signed // then sent /', nogSign('GET', '/p', { nonce: nonce(), signedAs: '//p' }));

  // Fragments.
  get('# after the signature', `${nogSign('GET', '/p?x=1', { nonce: nonce() })}#frag`);
  get('# before the query', `/p#frag${nogSign('GET', '/p?x=1', { nonce: nonce() }).slice(2)}`);
  get('# in the query, signed', nogSign('GET', '/p?x=1#y', { nonce: nonce() }));
  get('empty # after the signature', `${nogSign('GET', '/p', { nonce: nonce() })}#`);

  // Escapes and non-ASCII.
  get('percent-encoded UTF-8', nogSign('GET', '/caf%C3%A9?q=%E2%82%AC', { nonce: nonce() }));
  get('lowercase escapes', nogSign('GET', '/caf%c3%a9?q=%e2%82%ac', { nonce: nonce() }));
  get('encoded invalid UTF-8', nogSign('GET', '/%FF%FE?q=%C0%AF', { nonce: nonce() }));
  get('malformed escape', nogSign('GET', '/a%zz?q=%', { nonce: nonce() }));
  get('raw UTF-8 signed as UTF-8', utf8Wire(nogSign('GET', '/café?q=€', { nonce: nonce() })));
  const n1 = nonce();
  get('raw UTF-8 signed as the bytes read as latin1', nogSign('GET', utf8Wire('/café?q=€'), { nonce: n1 }));
  get('raw invalid UTF-8', nogSign('GET', '/\xff\xfe?q=\xc0\xaf', { nonce: nonce() }));
  get('raw latin1 byte', nogSign('GET', '/\xe9', { nonce: nonce() }));
  get('characters fetch re-encodes', nogSign('GET', '/a"b{c}|d^e`?q="{}', { nonce: nonce() }));
  get('plus and encoded plus', nogSign('GET', '/p?a=b+c&d=e%2Bf', { nonce: nonce() }));
  get('semicolons and two ?', nogSign('GET', '/p;x=1?a=1?b;c', { nonce: nonce() }));
  get('NUL escape', nogSign('GET', '/p%00?q=%00', { nonce: nonce() }));
  get('raw tab in the target', nogSign('GET', '/p\tq', { nonce: nonce() }));
  get('raw DEL in the target', nogSign('GET', '/p\x7f', { nonce: nonce() }));

  // Auth parameters repeated, encoded, out of place.
  const dup = nogSign('GET', '/p', { nonce: nonce() });
  get('duplicate authkeyid', dup.replace('&authdate', `&authkeyid=${KEY.id}&authdate`));
  get('duplicate authsignature', `${dup}&authsignature=${dup.slice(-64)}`);
  get('authsignature twice, signed', nogSign('GET', `/p?authsignature=${'0'.repeat(64)}`, { nonce: nonce() }));
  get('encoded auth parameter name', nogSign('GET', '/p?auth%6Beyid=x', { nonce: nonce() }));
  get('encoded name of an auth parameter, uppercase escape', nogSign('GET', '/p?auth%4Bkeyid=x&AUTHKEYID=y', { nonce: nonce() }));
  get('auth parameter in the path', nogSign('GET', '/authkeyid=x/p', { nonce: nonce() }));
  get(
    'uppercase signature',
    dup.replace(/[0-9a-f]{64}$/, (s) => s.toUpperCase()),
  );
  get('signature first after ?', `/p?authsignature=${dup.slice(-64)}&${dup.slice(3, dup.lastIndexOf('&'))}`);
  get('trailing &', `${nogSign('GET', '/p', { nonce: nonce() })}&`);
  get('auth names with brackets', nogSign('GET', '/p?authkeyid[]=x&authnonce[a]=y&z=1', { nonce: nonce() }));
  get('auth names with encoded brackets and dots', nogSign('GET', '/p?authkeyid%5B%5D=x&authdate.x=1', { nonce: nonce() }));
  get('encoded ? in the path', nogSign('GET', '/p%3Fauthkeyid=x?y=1', { nonce: nonce() }));
  get('encoded & and = in a value', nogSign('GET', '/p?a=1%26authkeyid%3Dx&b', { nonce: nonce() }));
  get('auth name with a plus', nogSign('GET', '/p?auth+keyid=x&authkeyid+=y', { nonce: nonce() }));
  get('empty names and pairs', nogSign('GET', '/p?=x&&=&a', { nonce: nonce() }));
  get('2,000 pairs', nogSign('GET', `/p?${'a=1&'.repeat(2000)}b=2`, { nonce: nonce() }));
  get('8,000 slashes', nogSign('GET', '/'.repeat(8000), { nonce: nonce() }));
  get('authalgorithm other', nogSign('GET', '/p', { nonce: nonce() }).replace('nog-v1', 'nog-v2'));

  // Long queries around the verifier's limit (16384) and Node's header limit (16 KiB of head).

  get('URL of 8000', long(8000));
  get('URL of 16300', long(16300));
  get('URL of 16000', long(16000));
  get('URL of 16384', long(16384));
  get('URL of 16385', long(16385));
  get('URL of 20000', long(20000));
  get('URL of 70000', long(70000));
  get('20,000 empty pairs', nogSign('GET', `/p?${'&'.repeat(5000)}`, { nonce: nonce() }));

  // Methods.
  add('HEAD', request('HEAD', nogSign('HEAD', '/p', { nonce: nonce() })));
  add('HEAD signed as GET', request('HEAD', nogSign('GET', '/p', { nonce: nonce() })));
  add('OPTIONS with Origin only', request('OPTIONS', '/p', [['Origin', 'https://app.example']]));
  add(
    'OPTIONS preflight, empty header values',
    request('OPTIONS', '/p', [
      ['Origin', ''],
      ['Access-Control-Request-Method', ''],
    ]),
  );
  add('OPTIONS signed', request('OPTIONS', nogSign('OPTIONS', '/p', { nonce: nonce() })));
  add(
    'OPTIONS preflight',
    request('OPTIONS', '/p', [
      ['Origin', 'https://app.example'],
      ['Access-Control-Request-Method', 'PUT'],
    ]),
  );
  add(
    'OPTIONS preflight, signed',
    request('OPTIONS', nogSign('OPTIONS', '/p', { nonce: nonce() }), [
      ['Origin', 'https://app.example'],
      ['Access-Control-Request-Method', 'PUT'],
    ]),
  );
  add('lowercase method signed lowercase', request('get', nogSign('get', '/p', { nonce: nonce() })));
  add('lowercase method signed uppercase', request('get', nogSign('GET', '/p', { nonce: nonce() })));
  add('unknown method', request('FROB', nogSign('FROB', '/p', { nonce: nonce() })));
  add('M-SEARCH', request('M-SEARCH', nogSign('M-SEARCH', '/p', { nonce: nonce() })));
  add('PROPFIND', request('PROPFIND', nogSign('PROPFIND', '/p', { nonce: nonce() })));
  add('QUERY', request('QUERY', nogSign('QUERY', '/p', { nonce: nonce() }), [['Content-Type', 'text/plain']], 'q'));
  add('M-SEARCH unsigned', request('M-SEARCH', '/p'));
  add('PROPFIND unsigned', request('PROPFIND', '/p'));
  add('DELETE', request('DELETE', nogSign('DELETE', '/p', { nonce: nonce() })));
  add('CONNECT', request('CONNECT', 'example.test:443'));
  add('TRACE', request('TRACE', nogSign('TRACE', '/p', { nonce: nonce() })));
  add(
    'POST signed as GET with X-HTTP-Method-Override: GET',
    request('POST', nogSign('GET', '/p', { nonce: nonce() }), [['X-HTTP-Method-Override', 'GET']], 'x'),
  );
  add(
    'GET with X-HTTP-Method-Override: DELETE',
    request('GET', nogSign('GET', '/p', { nonce: nonce() }), [['X-HTTP-Method-Override', 'DELETE']]),
  );

  // Headers the integrations must not read (nog-v1 signs no header).
  add(
    'duplicate x-nops-signature',
    request('GET', nogSign('GET', '/p', { nonce: nonce() }), [
      ['x-nops-signature', 'a'],
      ['X-Nops-Signature', 'b'],
    ]),
  );
  add('folded x-nops-signature', request('GET', nogSign('GET', '/p', { nonce: nonce() }), [['x-nops-signature', 'a\r\n b']]));
  add('no Host', Buffer.from(`GET ${nogSign('GET', '/p', { nonce: nonce() })} HTTP/1.1\r\nConnection: close\r\n\r\n`, 'latin1'));
  add(
    'two Hosts',
    request('GET', nogSign('GET', '/p', { nonce: nonce() }), [
      ['Host', 'example.test'],
      ['Host', 'b.example'],
    ]),
  );
  add('HTTP/1.0', Buffer.from(`GET ${nogSign('GET', '/p', { nonce: nonce() })} HTTP/1.0\r\n\r\n`, 'latin1'));
  add('Host with a path', request('GET', nogSign('GET', '/p', { nonce: nonce() }), [['Host', 'a.example/x?y']]));
  add('Host with a space', request('GET', nogSign('GET', '/p', { nonce: nonce() }), [['Host', 'a b']]));

  // Bodies and connections.
  const post = nogSign('POST', '/p', { nonce: nonce() });
  add(
    'Expect: 100-continue',
    request('POST', post, [
      ['Expect', '100-continue'],
      ['Content-Length', '5'],
    ]),
    'await-data',
    Buffer.from('hello'),
  );
  const slow = request('POST', nogSign('POST', '/p', { nonce: nonce() }), [['Content-Length', '6']]);
  add('slow body', slow, { pause: 50 }, Buffer.from('ab'), { pause: 50 }, Buffer.from('cd'), { pause: 50 }, Buffer.from('ef'));
  add(
    'chunked body',
    request('POST', nogSign('POST', '/p', { nonce: nonce() }), [['Transfer-Encoding', 'chunked']], '3\r\nabc\r\n0\r\n\r\n'),
  );
  add('closed in the request line', Buffer.from(`GET ${nogSign('GET', '/p', { nonce: nonce() }).slice(0, 40)}`, 'latin1'), 'destroy');
  add('closed in the headers', request('GET', nogSign('GET', '/p', { nonce: nonce() })).subarray(0, -20), 'destroy');
  add(
    'closed in the body',
    request('POST', nogSign('POST', '/p', { nonce: nonce() }), [['Content-Length', '100']]),
    Buffer.from('abc'),
    'destroy',
  );
  const refused = Buffer.concat([
    Buffer.from(`POST /p?authkeyid=x HTTP/1.1\r\nHost: example.test\r\nContent-Length: 40\r\n\r\n`),
    Buffer.from('GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'.padEnd(40, ' ')),
    request('GET', nogSign('GET', '/after', { nonce: nonce() })),
  ]);
  add('pipelined: a refused POST whose body is a request, then a signed GET', refused);
  add(
    'Content-Length and Transfer-Encoding',
    request(
      'POST',
      nogSign('POST', '/p', { nonce: nonce() }),
      [
        ['Content-Length', '3'],
        ['Transfer-Encoding', 'chunked'],
      ],
      '0\r\n\r\n',
    ),
  );
  add('body longer than Content-Length', request('POST', nogSign('POST', '/p', { nonce: nonce() }), [['Content-Length', '1']], 'abc'));
  return cases;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * A request's verdict: the status, the error code of a failure of ours, what the application saw on a success (its
 * parsed query only when it is not what its own parser makes of the verified query), the statuses of pipelined
 * answers after the first. A framework's own refusal (a 4xx of its own making) is its status only.
 */
function verdictOf(reply: Reply, told: readonly NogFailureEvent[]): string {
  if (typeof reply.status !== 'number') return reply.status;
  let detail: Record<string, unknown> = {};
  try {
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    // A refusal of ours, and what onFailure was told of it (the cause aside: none here).
    if (typeof body['errorCode'] === 'string') detail = { code: body['errorCode'], told };
    else if (reply.status < 400) detail = body;
  } catch {
    // not ours: the status says it
  }
  if (detail['parsed'] === 'same') delete detail['parsed'];
  const more = reply.more.length === 0 ? '' : ` then ${reply.more.join(', ')}`;
  const shown = Object.keys(detail).length === 0 ? '' : ` ${JSON.stringify(detail)}`;
  // Long runs (the long-query cases) shown by their length.
  return `${reply.status}${shown}${more}`.replace(/(.)\1{49,}/g, (run, c: string) => `${c}{${run.length}}`);
}

/** The integrations that run on Node's own request (the raw request line), and those that see a fetch `Request`. */
const NODE = ['node:http', 'express 4', 'express 5', 'fastify', 'fastify, grouping parser', 'koa'];
const FASTIFY = ['fastify', 'fastify, grouping parser'];

/**
 * Where an integration may answer other than the fetch handler, each documented in the README: the servers, the
 * status they give instead, and why.
 */
const DIFFERENCES: Record<string, { servers: string[]; status: number; why: string }> = {};
const differ = (cases: string[], servers: string[], status: number, why: string) => {
  for (const name of cases) DIFFERENCES[name] = { servers, status, why };
};
differ(
  ['dot segments', 'encoded dot segments', 'characters fetch re-encodes'],
  NODE,
  200,
  'a fetch Request carries the WHATWG-parsed URL, which is not what the client signed; Node keeps the request line',
);
differ(
  ['origin-form, Host with a path', 'Host with a path', 'Host with a space', 'backslash in the path'],
  NODE,
  200,
  '@hono/node-server refuses (400) a Host or a path it cannot make a URL of; nog-v1 signs neither the host nor a normalised path',
);
differ(
  ['absolute-form, other scheme', 'asterisk-form GET', 'asterisk-form OPTIONS'],
  NODE.filter((s) => s !== 'fastify' && s !== 'fastify, grouping parser'),
  401,
  '@hono/node-server refuses (400) a target that is no URL; the Node middleware answers ERR_AUTH_MALFORMED',
);
differ(['asterisk-form GET', 'asterisk-form OPTIONS'], NODE, 401, 'as above');
differ(['absolute-form, other scheme'], ['node:http', 'express 4', 'express 5', 'koa'], 401, 'as above (Fastify refuses it itself, 400)');
differ(
  ['OPTIONS preflight', 'OPTIONS preflight, signed', 'OPTIONS preflight, empty header values'],
  [...NODE, 'hono'],
  200,
  'passPreflight: the middlewares let a CORS preflight on unverified; withNogAuth verifies every request',
);
differ(
  ['encoded invalid UTF-8', 'malformed escape'],
  FASTIFY,
  400,
  "Fastify's router refuses (400 FST_ERR_BAD_URL) a path it cannot decode, before any hook runs",
);
differ(
  ['auth names with brackets', 'auth names with encoded brackets and dots'],
  ['fastify, grouping parser'],
  200,
  "a querystringParser that folds names (authkeyid[]) into an auth parameter's: request.query loses those",
);

differ(
  ['closed in the body', 'body longer than Content-Length'],
  FASTIFY,
  400,
  'Fastify reads the body before the handler: a body cut short (or followed by bytes that are no request) is its own 400',
);

const started: Record<string, Started> = {};
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  await Promise.all(Object.entries(SERVERS).map(async ([name, start]) => (started[name] = await start(options(name)))));
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(Object.values(started).map((s) => s.close()));
});

describe('hostile raw requests, every integration against the fetch handler', () => {
  it('gives every integration the verdict of withNogAuth, or a documented difference; never a 500, a hang, a stack or the secret', async () => {
    const cases = corpus();
    const table: Record<string, Record<string, string>> = {};
    const raws: string[] = [];
    // The servers side by side, each one's requests one after another.
    await Promise.all(
      Object.entries(started).map(async ([server, { port }]) => {
        for (const c of cases) {
          const before = events[server]?.length ?? 0;
          const reply = await exchange(port, c.steps);
          raws.push(reply.raw);
          const row = table[c.name] ?? {};
          table[c.name] = row;
          row[server] = verdictOf(reply, events[server]?.slice(before) ?? []);
        }
      }),
    );
    const mismatches: string[] = [];
    for (const c of cases) {
      const row = table[c.name]!;
      const reference = row['fetch']!;
      const difference = DIFFERENCES[c.name];
      for (const [server, verdict] of Object.entries(row)) {
        if (difference?.servers.includes(server)) {
          if (!verdict.startsWith(String(difference.status)))
            mismatches.push(`${c.name}: ${server} ${verdict}, documented ${difference.status}`);
        } else if (verdict !== reference) mismatches.push(`${c.name}: ${server} ${verdict}, fetch ${reference}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The harness reads what it compares (a verdict of each kind, as the fetch handler gave it).
    const told = (code: string, path: string, keyId: string | null = null) => ({ code, keyId, method: 'GET', path });
    expect(table['baseline']!['fetch']).toBe('200 {"target":"/p?x=1","query":"x=1","app":"/p?x=1"}');
    expect(table['baseline']!['express 4']).toBe('200 {"target":"/p?x=1","query":"x=1","app":"/p?x=1"}');
    expect(JSON.parse(table['unsigned']!['koa']!.slice(4))).toEqual({
      code: 'ERR_AUTH_FIELD_MISSING',
      told: [{ ...told('ERR_AUTH_FIELD_MISSING', '/p'), status: 401, message: 'Invalid signature (missing authkeyid).' }],
    });
    expect(JSON.parse(table['absolute-form, userinfo and no path, unsigned']!['node:http']!.slice(4)).told[0].path).toBe('/');
    expect(table['pipelined: a refused POST whose body is a request, then a signed GET']!['fastify']).toMatch(/^401 .* then 200$/);
    expect(table['URL of 16384']!['hono']).toBe('431');
    // What the README's "Odd and hostile requests" says the fetch handler (and with it, where no difference is
    // listed, every integration) answers.
    const fetchSays: Record<string, RegExp> = {
      'OPTIONS preflight': /^401 {"code":"ERR_AUTH_FIELD_MISSING"/,
      'dot segments': /^401 {"code":"ERR_AUTH_SIG_INVALID"/,
      'encoded dot segments': /^401 {"code":"ERR_AUTH_SIG_INVALID"/,
      'characters fetch re-encodes': /^401 {"code":"ERR_AUTH_SIG_INVALID"/,
      'backslash in the path': /^400$/,
      'Host with a space': /^400$/,
      'Host with a path': /^400$/,
      'asterisk-form GET': /^400$/,
      'absolute-form, other scheme': /^400$/,
      'encoded invalid UTF-8': /^200 /,
      'malformed escape': /^200 /,
      'closed in the body': /^200 /,
      'absolute-form, Host differs': /^200 /,
      'absolute-form with a port and userinfo': /^200 /,
      'auth names with brackets': /^200 /,
      'raw UTF-8 signed as UTF-8': /^400$/,
      'raw invalid UTF-8': /^400$/,
      'raw tab in the target': /^400$/,
      'raw DEL in the target': /^400$/,
      'no leading slash': /^400$/,
      'authority-form': /^400$/,
      'unknown method': /^400$/,
      'lowercase method signed lowercase': /^400$/,
      'folded x-nops-signature': /^400$/,
      'Content-Length and Transfer-Encoding': /^400$/,
      'no Host': /^400$/,
      CONNECT: /^none$/,
      'duplicate x-nops-signature': /^200 /,
      'M-SEARCH': /^200 /,
      QUERY: /^200 /,
      'Expect: 100-continue': /^200 /,
      'slow body': /^200 /,
      'chunked body': /^200 /,
    };
    for (const [name, expected] of Object.entries(fetchSays))
      expect([name, table[name]!['fetch']]).toEqual([name, expect.stringMatching(expected)]);
    expect(table['asterisk-form GET']!['koa']).toMatch(/^401 {"code":"ERR_AUTH_MALFORMED"/);
    // A parser that folds names loses the application's authkeyid[] with the auth parameter's name.
    expect(table['auth names with brackets']!['fastify, grouping parser']).toContain('"parsed":{"parsed":{"z":"1"}');
    // Nothing failed inside: no 500, no hang, nothing in an error handler, no unhandled rejection.
    const all = Object.values(table).flatMap((row) => Object.values(row));
    expect(all.filter((v) => v.startsWith('5') || v === 'hang')).toEqual([]);
    expect(errors).toEqual([]);
    expect(unhandled).toEqual([]);
    // Nothing secret in an answer or a log line: not the key, not a userinfo password, no stack.
    for (const text of [...raws, ...logged]) {
      expect(text).not.toContain(KEY.secret);
      expect(text).not.toContain('hunter2');
      expect(text).not.toMatch(/\n\s+at /);
    }
    // Every server still answers.
    for (const [server, { port }] of Object.entries(started)) {
      const reply = await exchange(port, [request('GET', nogSign('GET', '/alive', { nonce: nonce() }))]);
      expect([server, reply.status]).toEqual([server, 200]);
    }
  });
});

describe("this file's signer", () => {
  it("gives the spec's known values (docs/spec/nog-v1.md, Known values)", () => {
    const known = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
    const at = { key: known, date: new Date('2015-04-20T12:34:56Z'), expires: 600, nonce: '0123456789' };
    expect(nogSign('GET', '/api/blobs/abc', at)).toMatch(
      /&authsignature=fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d$/,
    );
    expect(nogSign('POST', '/api/blobs/abc?x=1', at)).toMatch(
      /&authsignature=0a0c7321435da6dac5764f93a786f1c5f366af24b6b3a208f716e10af5a54698$/,
    );
  });
});

describe("onFailure's path", () => {
  // Characters of an authority part (no `/`, `?`, `#`) and of a path or query, from the whole of UTF-16.
  const authority = fc.string({ unit: 'binary' }).map((s) => s.replace(/[/?#]/g, ''));
  const path = fc.string({ unit: 'binary' }).map((s) => `/${s.replace(/[?#]/g, '')}`);
  const tail = fc.oneof(
    fc.constant(''),
    fc.string({ unit: 'binary' }).map((s) => `?${s}`),
    fc.string({ unit: 'binary' }).map((s) => `#${s}`),
  );
  const scheme = fc.constantFrom('http', 'https', 'HTTP', 'ftp', 'a+b.c-d');

  it('is the path of an absolute URL, `/` when it has none: never its scheme, host or userinfo (user:password@)', () => {
    fc.assert(
      fc.property(scheme, authority, authority, fc.option(path, { nil: '' }), tail, (s, userinfo, host, p, t) => {
        const url = `${s}://${userinfo}@${host}${p}${t}`;
        expect(pathOf(url)).toBe((p === '' ? '/' : p).slice(0, 2048));
      }),
    );
  });

  it('is an origin-form target up to its query or fragment', () => {
    fc.assert(
      fc.property(path, tail, (p, t) => {
        expect(pathOf(`${p}${t}`)).toBe(p.slice(0, 2048));
      }),
    );
  });

  it('shows another target (`*`, `host:port`) without anything up to an `@`', () => {
    expect(pathOf('*')).toBe('*');
    expect(pathOf('example.test:80')).toBe('example.test:80');
    expect(pathOf('user:hunter2@example.test:80?x')).toBe('example.test:80');
  });
});

describe('X-HTTP-Method-Override', () => {
  it('the method verified is the one the request has when the middleware runs: an override before it must be signed, one after it is not', async () => {
    // What the `method-override` package does, in three lines.
    const override = (req: express5.Request, _res: express5.Response, next: () => void) => {
      const wanted = req.headers['x-http-method-override'];
      if (req.method === 'POST' && typeof wanted === 'string') req.method = wanted.toUpperCase();
      next();
    };
    const app = express5();
    app.use('/before', override, nogMiddleware(options('override')));
    app.use('/after', nogMiddleware(options('override')), override);
    app.use((req, res) => void res.type('text').send(req.method));
    const { port, close } = await listen(createServer(app));
    try {
      const send = async (target: string) =>
        exchange(port, [request('POST', target, [['X-HTTP-Method-Override', 'DELETE']], 'x')]).then((r) => `${r.status} ${r.body}`);
      // Before: the client signs the method the application acts on.
      expect(await send(nogSign('DELETE', '/before/x', { nonce: nonce() }))).toBe('200 DELETE');
      expect(await send(nogSign('POST', '/before/x', { nonce: nonce() }))).toMatch(/^401 .*ERR_AUTH_SIG_INVALID/);
      // After: a signature for POST reaches the application as a DELETE.
      expect(await send(nogSign('POST', '/after/x', { nonce: nonce() }))).toBe('200 DELETE');
    } finally {
      await close();
    }
  });
});

describe("Node's request-head limit", () => {
  it("431 before any middleware at the default maxHeaderSize; raised, the verifier's maxUrlLength (16384) decides", async () => {
    const auth = nogMiddleware(options('max-header'));
    const server = createServer({ maxHeaderSize: 65536 }, (req, res) =>
      auth(req, res, () => {
        res.end('ok');
      }),
    );
    const { port, close } = await listen(server);
    try {
      expect([long(16384).length, long(16385).length]).toEqual([16384, 16385]);
      const at = await exchange(port, [request('GET', long(16384))]);
      expect([at.status, at.body]).toEqual([200, 'ok']);
      const over = await exchange(port, [request('GET', long(16385))]);
      expect([over.status, JSON.parse(over.body).errorCode]).toEqual([401, 'ERR_AUTH_MALFORMED']);
    } finally {
      await close();
    }
  });
});

describe('a connection closed while its verification is in flight', () => {
  it('every integration finishes the verification, writes to nothing, and goes on serving: no error, no unhandled rejection', async () => {
    const before = { errors: errors.length, unhandled: unhandled.length };
    for (const [name, start] of Object.entries(SERVERS)) {
      // A key lookup that answers only once the client has gone: the answer (200 or 401) meets a closed socket.
      let asked = (): void => {};
      let gone = Promise.resolve();
      const keys = async (id: string) => {
        asked();
        await gone;
        return KEYS[id as keyof typeof KEYS];
      };
      const s = await start({ ...options(name), keys } as unknown as Options);
      try {
        for (const target of [
          nogSign('GET', '/p', { nonce: nonce() }),
          nogSign('GET', '/p', { nonce: nonce() }).replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        ]) {
          const closed = new Promise<void>((resolve) => s.server.once('connection', (socket) => socket.once('close', () => resolve())));
          gone = closed;
          const lookedUp = new Promise<void>((resolve) => {
            asked = resolve;
          });
          const socket = connect(s.port, '127.0.0.1');
          socket.on('error', () => {});
          socket.write(request('GET', target, [['Connection', 'keep-alive']]));
          await lookedUp;
          socket.destroy();
          await closed;
        }
        // Still serving: a signed request after the two that went nowhere.
        asked = () => {};
        gone = Promise.resolve();
        const reply = await exchange(s.port, [request('GET', nogSign('GET', '/p', { nonce: nonce() }))]);
        expect([name, reply.status]).toEqual([name, 200]);
      } finally {
        await s.close();
      }
    }
    // A turn for anything that would reject late.
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.slice(before.errors)).toEqual([]);
    expect(unhandled.slice(before.unhandled)).toEqual([]);
  });
});

describe('random targets, every integration', () => {
  // Pieces of a target: every visible ASCII character but `#` (a fragment is never sent signed), and the sequences
  // parsers treat apart (dot segments, escapes good, bad and of reserved characters, auth-looking names).
  const visible = fc
    .integer({ min: 0x21, max: 0x7e })
    .filter((c) => c !== 0x23)
    .map((c) => String.fromCharCode(c));
  const piece = fc.oneof(
    visible,
    fc.constantFrom(
      '/',
      '//',
      '.',
      '..',
      '/./',
      '/../',
      '%2e',
      '%2E%2e',
      '%2F',
      '%3F',
      '%23',
      '%26',
      '%3D',
      '%25',
      '%',
      '%z',
      '%FF',
      '%C3%A9',
    ),
    fc.constantFrom('?', '&', '=', '+', ';', '[]', '[a]', 'authkeyid', 'authnonce[]', 'auth%6Beyid', '\\'),
  );
  const target = fc.array(piece, { maxLength: 24 }).map((pieces) => `/${pieces.join('')}`);

  it('the Node integrations agree with node:http; fetch and Hono with it unless the URL parser rewrites the target; Fastify unless its router cannot decode the path', async () => {
    const others = ['express 4', 'express 5', 'koa'];
    await fc.assert(
      fc.asyncProperty(target, async (raw) => {
        const signedTarget = nogSign('GET', raw, { nonce: nonce() });
        const verdicts: Record<string, string> = {};
        await Promise.all(
          Object.entries(started).map(async ([name, { port }]) => {
            verdicts[name] = verdictOf(await exchange(port, [request('GET', signedTarget)]), []);
          }),
        );
        const node = verdicts['node:http']!;
        for (const name of others) expect([name, verdicts[name]]).toEqual([name, node]);
        const question = signedTarget.indexOf('?');
        const path = question === -1 ? signedTarget : signedTarget.slice(0, question);
        let decodable = true;
        try {
          decodeURIComponent(path);
        } catch {
          decodable = false;
        }
        expect(['fastify', verdicts['fastify']]).toEqual(['fastify', decodable || node.startsWith('400') ? node : '400']);
        // What the WHATWG URL parser makes of the target, as a fetch Request would carry it.
        let rewritten = true;
        try {
          const parsed = new URL(`http://h${signedTarget}`);
          rewritten = parsed.pathname + parsed.search !== signedTarget;
        } catch {
          // no URL at all: rewritten, as far as a signature is concerned
        }
        if (node.startsWith('400')) expect(verdicts['fetch']).toBe('400');
        else if (path.includes('\\')) expect(verdicts['fetch']).toBe('400');
        // @hono/node-server hands some targets on unparsed (`/?'`): then the fetch handler sees the request line too.
        else if (rewritten && verdicts['fetch'] !== node)
          expect(verdicts['fetch']).toMatch(/^401 {"code":"ERR_AUTH_(SIG_INVALID|MALFORMED)"/);
        else expect(verdicts['fetch']).toBe(node);
        expect(['hono', verdicts['hono']]).toEqual(['hono', verdicts['fetch']]);
      }),
      { numRuns: 60 },
    );
  });
});

describe("Express 4's query parser, run again on the verified query", () => {
  it('an exception from it goes to the error handler (next(err)), never an unhandled rejection', async () => {
    const before = unhandled.length;
    const failures: unknown[] = [];
    const app = express4();
    // A parser that takes the query as received and throws on the one without the auth parameters.
    app.set('query parser', (query: string | null) => {
      if (query === null || !query.includes('authsignature=')) throw new Error('parser refuses');
      return { raw: query };
    });
    app.use(nogMiddleware(options('express 4 throwing parser')));
    app.use((_req: express4.Request, res: express4.Response) => void res.send('reached'));
    app.use((err: unknown, _req: unknown, res: express4.Response, _next: unknown) => {
      failures.push(err);
      res.status(500).end('error');
    });
    const { port, close } = await listen(createServer(app));
    try {
      const reply = await exchange(port, [request('GET', nogSign('GET', '/p?x=1', { nonce: nonce() }))]);
      expect([reply.status, reply.body]).toEqual([500, 'error']);
      expect(failures).toEqual([expect.objectContaining({ message: 'parser refuses' })]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled.slice(before)).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('mountPrefix (a proxy stripped /nog), every integration against the fetch handler', () => {
  it('gives every integration the verdict of withNogAuth for origin-form, absolute-form, bare-root and odd targets', async () => {
    /** The target the client signed under /nog, as the proxy forwards it: without the prefix. */
    const strip = (signedTarget: string): string => signedTarget.slice('/nog'.length);
    const cases: Array<[string, string]> = [
      ['origin-form', strip(nogSign('GET', '/nog/p?x=1', { nonce: nonce() }))],
      ['root signed /nog/', `/${strip(nogSign('GET', '/nog/', { nonce: nonce() })).slice(1)}`],
      ['root signed /nog', `/${strip(nogSign('GET', '/nog', { nonce: nonce() }))}`],
      ['absolute-form', `http://example.test${strip(nogSign('GET', '/nog/p?x=1', { nonce: nonce() }))}`],
      ['absolute-form, empty path, signed /nog', `http://example.test${strip(nogSign('GET', '/nog', { nonce: nonce() }))}`],
      ['absolute-form, empty path, signed /nog/', `http://example.test${strip(nogSign('GET', '/nog/', { nonce: nonce() })).slice(1)}`],
      ['// path', strip(nogSign('GET', '/nog//p', { nonce: nonce() }))],
      ['not stripped', nogSign('GET', '/nog/p', { nonce: nonce() })],
      ['asterisk', '*'],
      ['unsigned', '/p?x=1'],
    ];
    const table: Record<string, Record<string, string>> = {};
    const wrongApp: string[] = [];
    /**
     * The verdict without `app`, once checked: the application sees the target as it arrived (without /nog), the
     * fetch handler's stand-in for it is the verified target itself.
     */
    const withoutApp = (verdict: string, name: string): string => {
      const space = verdict.indexOf(' ');
      if (!verdict.startsWith('200 ')) return verdict;
      const seen = JSON.parse(verdict.slice(space + 1)) as Seen;
      const rest = seen.target!.slice('/nog'.length);
      const expected = name === 'fetch' ? seen.target : rest.startsWith('/') ? rest : `/${rest}`;
      if (seen.app !== expected) wrongApp.push(`${name}: ${seen.app} for ${seen.target}`);
      delete seen.app;
      return `200 ${JSON.stringify(seen)}`;
    };
    const servers = await Promise.all(
      Object.entries(SERVERS).map(
        async ([name, start]) => [name, await start({ ...options(name), mountPrefix: '/nog' } as Options)] as const,
      ),
    );
    try {
      await Promise.all(
        servers.map(async ([name, s]) => {
          for (const [label, target] of cases) {
            const row = table[label] ?? {};
            table[label] = row;
            row[name] = withoutApp(verdictOf(await exchange(s.port, [request('GET', target)]), []), name);
          }
        }),
      );
    } finally {
      await Promise.all(servers.map(([, s]) => s.close()));
    }
    const mismatches: string[] = [];
    for (const [label, row] of Object.entries(table)) {
      for (const [name, verdict] of Object.entries(row)) {
        // '*': @hono/node-server refuses it (400) before any handler; the Node middleware answers ERR_AUTH_MALFORMED.
        if (label === 'asterisk' && NODE.includes(name)) continue;
        if (verdict !== row['fetch']) mismatches.push(`${label}: ${name} ${verdict}, fetch ${row['fetch']}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(wrongApp).toEqual([]);
    expect(table['origin-form']!['fetch']).toBe('200 {"target":"/nog/p?x=1","query":"x=1"}');
    expect(table['absolute-form, empty path, signed /nog']!['fetch']).toMatch(/^200 /);
  });
});
