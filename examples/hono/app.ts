import { Hono } from 'hono';
import { nogAuth } from '@reqsign/http/hono';
import { nogKey } from '../keys.js';

const key = nogKey();

/** A Hono app whose /api routes need a nog-v1 signed URL; it runs on Node, Deno, Bun and workers alike. */
// Chained, so that the routes after the middleware have `c.get('nogAuth')` typed (and those before it do not).
export const app = new Hono()
  .get('/health', (c) => c.json({ ok: true }))
  .use('/api/*', nogAuth({ keys: { [key.id]: key.secret } }))
  .get('/api/blobs/:id', (c) => c.json({ blob: c.req.param('id'), keyId: c.get('nogAuth').keyId, query: c.req.query() }));
