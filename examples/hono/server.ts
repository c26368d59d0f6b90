// npx tsx examples/hono/server.ts: the Hono app on Node, through @hono/node-server.
import { serve } from '@hono/node-server';
import { app } from './app.js';

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8080), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
