import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingRegistry {
  readonly url: string;
  /** Every request received, `METHOD /path`. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the npm registry on loopback that records every request and stores nothing: GETs answer 404 (no
 * such package yet), a publish (PUT) answers 201 as the real registry would. Tests point npm at it to prove what a
 * command sends, without any chance of reaching the real registry.
 */
export async function startRecordingRegistry(): Promise<RecordingRegistry> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'PUT') {
        res.statusCode = 201;
        res.end('{"ok":true}');
      } else {
        res.statusCode = 404;
        res.end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
