#!/usr/bin/env node
/**
 * The reqsign TypeScript packages as a conformance port: the same JSON Lines protocol that ports in other
 * languages speak (PROTOCOL.md), so the runner has no special path for us. `--webcrypto` drives the portable
 * WebCrypto builds instead of the node:crypto ones.
 */
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { PROTOCOL, type Hello, type Response, type Scheme } from '../protocol.js';
import { canonicalHandlers } from './ts/canonical.js';
import { nogHandlers } from './ts/nog.js';
import { nopsHandlers } from './ts/nops.js';
import type { Handlers } from './ts/types.js';

const webcrypto = process.argv.includes('--webcrypto');
const schemes: Record<Scheme, Handlers> = {
  canonical: canonicalHandlers,
  'nog-v1': await nogHandlers(webcrypto),
  nops: await nopsHandlers(webcrypto),
};
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const hello: Hello = {
  type: 'hello',
  protocol: PROTOCOL,
  name: webcrypto ? 'reqsign-typescript-webcrypto' : 'reqsign-typescript',
  version: pkg.version,
  supports: Object.fromEntries(Object.entries(schemes).map(([s, h]) => [s, Object.keys(h)])),
};
process.stdout.write(JSON.stringify(hello) + '\n');

async function answer(line: string): Promise<Response> {
  const req = JSON.parse(line) as { id: string; scheme: Scheme; operation: string; input: Record<string, unknown> };
  const handler = schemes[req.scheme]?.[req.operation];
  if (handler === undefined) return { type: 'response', id: req.id, unsupported: true };
  try {
    return { type: 'response', id: req.id, output: await handler(req.input) };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : 'ERR_UNEXPECTED';
    return { type: 'response', id: req.id, error: { code, message: String(e.message ?? err) } };
  }
}

// One request at a time, answered in order.
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  process.stdout.write(JSON.stringify(await answer(line)) + '\n');
}
