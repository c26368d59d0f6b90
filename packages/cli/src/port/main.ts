#!/usr/bin/env node
/**
 * The reqsign TypeScript packages as a conformance port: the same JSON Lines protocol that ports in other languages
 * speak (PROTOCOL.md of @reqsign/conformance), so the runner has no special path for us. `--webcrypto` drives the
 * portable WebCrypto builds instead of the node:crypto ones. `reqsign conformance` runs it on both paths.
 */
import { readFileSync } from 'node:fs';
import { loadInputCheckers } from '@reqsign/conformance/input-check';
import { jsonLine, PROTOCOL, respond, type Handlers, type Hello, type Request, type Response } from '@reqsign/conformance/portable';
import { schemeHandlers } from './handlers.js';

const webcrypto = process.argv.includes('--webcrypto');
const schemes = await schemeHandlers(webcrypto);
// Each operation's schema, the check of every input before anything else (PROTOCOL.md, "Inputs that break the schema").
const checkers = loadInputCheckers();
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const hello: Hello = {
  type: 'hello',
  protocol: PROTOCOL,
  name: webcrypto ? 'reqsign-typescript-webcrypto' : 'reqsign-typescript',
  version: pkg.version,
  supports: Object.fromEntries(Object.entries(schemes).map(([s, h]) => [s, Object.keys(h)])),
};
process.stdout.write(jsonLine(hello));

async function answer(line: string): Promise<Response> {
  const req = JSON.parse(line) as Request;
  const handler = (schemes as Readonly<Record<string, Handlers | undefined>>)[req.scheme]?.[req.operation];
  try {
    if (handler === undefined) return await respond(req.id, undefined);
    const checked = checkers[`${req.scheme}/${req.operation}`]?.(req.input);
    if (checked !== undefined && !checked.ok)
      return { type: 'response', id: req.id, error: { code: checked.code, message: checked.message } };
    return await respond(req.id, () => handler(checked?.input ?? req.input));
  } catch (err) {
    // An untyped exception is a bug: say so in the answer, so that the runner reports the case as failed.
    return { type: 'response', id: req.id, error: { code: 'ERR_UNEXPECTED', message: String((err as Error)?.message ?? err) } };
  }
}

// One request at a time, answered in order. Lines end at "\n" only (CRLF too): not readline, which in Node 22+,
// Deno and Bun also ends a line at U+2028 and U+2029, characters a JSON string may hold raw.
let pending = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin as AsyncIterable<string>) {
  pending += chunk;
  for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
    const line = pending.slice(0, nl).replace(/\r$/, '');
    pending = pending.slice(nl + 1);
    if (line.trim() !== '') process.stdout.write(jsonLine(await answer(line)));
  }
}
if (pending.trim() !== '') process.stdout.write(jsonLine(await answer(pending)));
