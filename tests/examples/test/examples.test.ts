/**
 * examples/ as a user runs them: each server started as its own process on loopback, the clients run against it,
 * the worker's fetch called as a workers host calls it, the nOps client against a local stand-in for the nOps API.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '@reqsign/nog';
import { verify } from '@reqsign/nops';
import { ROOT } from '../../../scripts/lib/workspace.js';

const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const ENV = { PATH: process.env.PATH ?? '', NOG_KEYID: KEY.id, NOG_SECRETKEY: KEY.secret };
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const example = (path: string) => join(ROOT, 'examples', path);

/** Starts an example server (PORT=0) and resolves to its base URL, from the line it prints. */
function startServer(path: string): Promise<{ base: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', TSX, example(path)], {
    env: { ...ENV, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ base: m[1]!, child, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`${path} exited with ${code}: ${stderr}`)));
  });
}

function runClient(
  path: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, example(path), ...args],
      { env: { ...ENV, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
  });
}

describe.each(['express/server.ts', 'hono/server.ts'])('%s with the Node client', (server) => {
  let s: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    s = await startServer(server);
  }, 60_000);
  afterAll(() => {
    s.child.kill();
  });

  it('answers the signed client request with the key id and the query without the auth parameters', async () => {
    const r = await runClient('node-client/client.ts', [s.base, '/api/blobs/abc?size=42']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [status, json] = [r.stdout.slice(0, 3), JSON.parse(r.stdout.slice(4)) as Record<string, unknown>];
    expect(status).toBe('200');
    expect(json).toMatchObject({ blob: 'abc', keyId: KEY.id });
    expect(JSON.stringify(json['query'])).toMatch(/size/);
    expect(JSON.stringify(json)).not.toContain('authsignature');
  });

  it('refuses an unsigned request and a replay with 401', async () => {
    const unsigned = await fetch(`${s.base}/api/blobs/abc`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('www-authenticate')).toBe('nog-v1');
    const { url } = await sign('GET', `${s.base}/api/blobs/abc`, KEY);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${s.base}/health`)).status).toBe(200);
  });
});

describe('express/app.ts on Express 4', () => {
  it('is the same app on the other major', async () => {
    process.env.NOG_KEYID = KEY.id;
    process.env.NOG_SECRETKEY = KEY.secret;
    const { createApp } = await import('../../../examples/express/app.js');
    const server = createServer(createApp(express4 as never)) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await fetch((await sign('GET', `${base}/api/blobs/x?a=1`, KEY)).url);
    expect(await res.json()).toEqual({ blob: 'x', keyId: KEY.id, query: { a: '1' } });
    expect((await fetch(`${base}/api/blobs/x`)).status).toBe(401);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('worker/worker.ts', () => {
  it('answers as a workers host calls it: fetch(request, env)', async () => {
    const { default: worker } = await import('../../../examples/worker/worker.js');
    const env = { NOG_KEYID: KEY.id, NOG_SECRETKEY: KEY.secret };
    const ok = await worker.fetch(new Request((await sign('GET', 'https://worker.example/api/x?q=1', KEY)).url), env);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ path: '/api/x', keyId: KEY.id, query: 'q=1' });
    const refused = await worker.fetch(new Request('https://worker.example/api/x'), env);
    expect(refused.status).toBe(401);
  });
});

describe('nops-client/client.ts against a local stand-in for the nOps API', () => {
  let stub: Server;
  let base = '';
  const seen: boolean[] = [];
  const keys = join(ROOT, 'packages', 'nops', 'test', 'fixtures', 'keys');
  beforeAll(async () => {
    const publicKey = (await import('node:fs')).readFileSync(join(keys, 'rsa2048.pub.pem'), 'utf8');
    stub = createServer(async (req, res) => {
      const date = new Date().toISOString().slice(0, 10);
      const apiKey = new URLSearchParams(req.url!.split('?')[1]).get('api_key') ?? '';
      const result = await verify({ url: req.url!, apiKey, date }, String(req.headers['x-nops-signature']), publicKey);
      seen.push(result.ok);
      res.statusCode = result.ok ? 200 : 401;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result.ok ? { total: 42 } : { error: result.code }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

  it('sends a request the stand-in verifies, and prints the answer', async () => {
    const r = await runClient('nops-client/client.ts', [], {
      NOPS_API_KEY: '123.aaaa4432454ccccb5a2280e755fdzzzz',
      NOPS_PRIVATE_KEY_FILE: join(keys, 'rsa2048.pem'),
      NOPS_BASE_URL: base,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('200 {"total":42}\n');
    expect(r.code).toBe(0);
    expect(seen).toEqual([true]);
  });

  it('fails with the wrong key: the stand-in really checks', async () => {
    const r = await runClient('nops-client/client.ts', [], {
      NOPS_API_KEY: '123.aaaa4432454ccccb5a2280e755fdzzzz',
      NOPS_PRIVATE_KEY_FILE: join(keys, 'other2048.pem'),
      NOPS_BASE_URL: base,
    });
    expect(r.stdout).toBe('401 {"error":"ERR_NOPS_SIGNATURE_INVALID"}\n');
    expect(r.code).toBe(1);
  });
});
