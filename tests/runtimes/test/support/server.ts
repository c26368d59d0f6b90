import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves a few fixed documents on loopback (an http://127.0.0.1 origin is a secure context, so WebCrypto works). */
export async function serve(documents: Readonly<Record<string, { type: string; body: string }>>): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const doc = documents[new URL(req.url ?? '/', 'http://x').pathname];
    if (doc === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', doc.type);
    res.setHeader('cache-control', 'no-store');
    res.end(doc.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
