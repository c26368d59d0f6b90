import type { Express } from 'express';
import { getNogAuth, nogMiddleware } from '@reqsign/http';
import { nogKey } from '../keys.js';

/**
 * An Express app whose /api routes need a nog-v1 signed URL. Takes the `express` function, so that the same app
 * runs on Express 5 (`npm install express`) and Express 4 (CI runs both).
 */
export function createApp(express: () => Express): Express {
  const key = nogKey();
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(
    '/api',
    nogMiddleware({
      keys: { [key.id]: key.secret },
      onFailure: (event) => console.error(`refused ${event.method} ${event.path}: ${event.code} (key ${event.keyId})`),
    }),
  );
  app.get('/api/blobs/:id', (req, res) => {
    res.json({ blob: req.params.id, keyId: getNogAuth(req)!.keyId, query: req.query });
  });
  return app;
}
