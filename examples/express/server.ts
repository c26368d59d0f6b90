// npx tsx examples/express/server.ts, then: curl "$(reqsign nog sign GET http://127.0.0.1:8080/api/blobs/abc)"
import express from 'express';
import { createApp } from './app.js';

const server = createApp(express).listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : ''}`);
});
