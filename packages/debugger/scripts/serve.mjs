#!/usr/bin/env node
/**
 * Serves the built debugger page (dist/index.html) on loopback and prints its URL; Ctrl-C stops it. The page works
 * as well opened straight from the file, whose path is printed too. `--port N` (default 8787, 0: any free port).
 *
 *   npm run debugger     (from the repository root: builds everything, then this)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const page = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.html');
if (!existsSync(page)) {
  console.error('reqsign debugger: dist/index.html is not built (run npm run build)');
  process.exit(2);
}
const at = process.argv.indexOf('--port');
const port = at === -1 ? 8787 : Number(process.argv[at + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('reqsign debugger: --port takes a port number from 0 to 65535');
  process.exit(2);
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path !== '/' && path !== '/index.html') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : readFileSync(page));
});
server.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address();
  console.log(`reqsign debugger: http://127.0.0.1:${bound}/`);
  console.log(`(or open ${pathToFileURL(page).href} directly; Ctrl-C stops the server)`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
