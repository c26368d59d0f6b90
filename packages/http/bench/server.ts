/**
 * One server of the HTTP bench (http.bench.ts starts it as a child process): a framework, with or without the nog
 * middleware, answering `ok` to every request. It reports its port over IPC, and its own CPU time (user + system,
 * microseconds) whenever asked, so that the driver counts the server's CPU per request, not the load generator's.
 *
 * The handler answers after an `await`, as an application's handler does once it reads a database, a file or
 * another service (and as Fastify's `async` handlers do): the response goes out from a promise's continuation,
 * with or without the middleware, and what the ratio shows is what the middleware adds to such an application.
 * HANDLER=sync answers inside the request event instead, where nothing else of the server waits on a promise.
 *
 *   node --import tsx bench/server.ts <http|express|fastify|hono> <none|memory|redis> [redis-url]
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createVerifier, MemoryNonceStore, type NonceStore } from '@reqsign/nog';
import express from 'express';
import fastify from 'fastify';
import { Hono } from 'hono';
import { nogMiddleware } from '../src/index.js';
import { nogAuth as fastifyAuth } from '../src/fastify.js';
import { nogAuth as honoAuth } from '../src/hono.js';

import { KEY } from './key.js';

const [framework, mode, redisUrl] = process.argv.slice(2) as [string, string, string | undefined];

async function nonceStore(): Promise<NonceStore> {
  if (mode !== 'redis') return new MemoryNonceStore();
  const { createClient } = await import('redis');
  const { createRedisNonceStore } = await import('@reqsign/nog-redis');
  const client = createClient({ url: redisUrl!, disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
  // A generous timeout: a busy neighbour on this machine must not turn a measurement into 503s (a failed run).
  return createRedisNonceStore({ client, timeoutMs: 10_000 });
}

const auth = mode === 'none' ? undefined : { verifier: createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: await nonceStore() }) };

/** Idle keep-alive connections stay open between rounds (the driver loads the other servers meanwhile). */
const KEEP_ALIVE_MS = 120_000;

function listen(server: Server): Promise<number> {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const sync = process.env.HANDLER === 'sync';
/** What the application waits for before it answers (its database, a file): here nothing, one continuation. */
const io = (): Promise<void> => Promise.resolve();

let port: number;
if (framework === 'http') {
  const mw = auth === undefined ? undefined : nogMiddleware(auth);
  const ok = sync
    ? (res: import('node:http').ServerResponse) => void res.end('ok')
    : async (res: import('node:http').ServerResponse) => {
        await io();
        res.end('ok');
      };
  port = await listen(createServer((req, res) => (mw === undefined ? ok(res) : void mw(req, res, () => ok(res)))));
} else if (framework === 'express') {
  const app = express();
  if (auth !== undefined) app.use(nogMiddleware(auth));
  app.use(
    sync
      ? (_req, res) => {
          res.end('ok');
        }
      : async (_req, res) => {
          await io();
          res.end('ok');
        },
  );
  port = await listen(createServer(app));
} else if (framework === 'fastify') {
  const app = fastify({ keepAliveTimeout: KEEP_ALIVE_MS });
  if (auth !== undefined) await app.register(fastifyAuth, auth);
  // Fastify's handler was async in the sync variant too (the bench before the variants): as Fastify apps are written.
  app.get(
    '/*',
    sync
      ? async () => 'ok'
      : async () => {
          await io();
          return 'ok';
        },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
} else if (framework === 'hono') {
  const app = new Hono();
  if (auth !== undefined) app.use(honoAuth(auth));
  app.get(
    '*',
    sync
      ? (c) => c.text('ok')
      : async (c) => {
          await io();
          return c.text('ok');
        },
  );
  port = await new Promise<number>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    (server as Server).keepAliveTimeout = KEEP_ALIVE_MS;
  });
} else {
  throw new Error(`unknown framework ${framework}`);
}

process.on('message', (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send!({ cpu: u.user + u.system, system: u.system });
  } else if (m === 'exit') process.exit(0);
});
process.send!({ port });
