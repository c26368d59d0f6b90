import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getNogAuth, nogMiddleware, withNogAuth, type NogFetchAuthOptions, type NogMiddlewareOptions } from '@reqsign/http';

export interface Running {
  readonly origin: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  req.setEncoding('utf8');
  for await (const chunk of req) body += chunk as string;
  return body;
}

/** A node:http application behind nogMiddleware: answers 200 with what it saw (key id, URL, method, body). */
export function startMiddlewareServer(options: NogMiddlewareOptions): Promise<Running> {
  const auth = nogMiddleware(options);
  return listen(
    createServer((req: IncomingMessage & { nogAuth?: unknown }, res: ServerResponse) => {
      void auth(req, res, async (err?: unknown) => {
        if (err) {
          res.statusCode = 500;
          res.end();
          return;
        }
        const body = await readBody(req);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ server: 'middleware', auth: req.nogAuth, url: req.url, method: req.method, body }));
      });
    }),
  );
}

/**
 * A fetch-API handler behind withNogAuth, served the way Deno.serve or a worker runtime would: each incoming
 * request becomes a standard `Request` (URL parsed by the WHATWG parser), the handler's `Response` goes back.
 */
export function startFetchServer(options: NogFetchAuthOptions): Promise<Running> {
  const handler = withNogAuth(async (request: Request) => {
    const auth = getNogAuth(request);
    return Response.json({ server: 'fetch', auth, url: request.url, method: request.method, body: await request.text() });
  }, options);
  return listen(
    createServer(async (req, res) => {
      const { port } = req.socket.localAddress ? (req.socket.address() as AddressInfo) : { port: 0 };
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`http://127.0.0.1:${port}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : ([[k, String(v)]] as [string, string][]))),
        ...(hasBody ? { body: await readBody(req) } : {}),
      });
      const response = await handler(request);
      res.statusCode = response.status;
      response.headers.forEach((value, name) => {
        res.setHeader(name, value);
      });
      res.end(Buffer.from(await response.arrayBuffer()));
    }),
  );
}
