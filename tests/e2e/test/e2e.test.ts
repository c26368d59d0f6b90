import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNogFetch, MemoryNonceStore } from '@reqsign/nog';
import { startFetchServer, startMiddlewareServer, type Running } from './servers.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '..', '..', '..', 'packages', 'cli', 'dist', 'cli.js');
const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const KEYS = { [KEY.id]: KEY.secret };
const ENV = { PATH: process.env.PATH ?? '', NOG_KEYID: KEY.id, NOG_SECRETKEY: KEY.secret };

/** `reqsign nog sign METHOD URL`, the built command in a child process. */
function cliSign(method: string, url: string): string {
  const out = execFileSync(process.execPath, [CLI, 'nog', 'sign', method, url], { env: ENV, encoding: 'utf8' });
  expect(out.endsWith('\n')).toBe(true);
  return out.slice(0, -1);
}

function tamper(url: string): string {
  const i = url.lastIndexOf('authsignature=') + 'authsignature='.length;
  return url.slice(0, i) + (url[i] === 'a' ? 'b' : 'a') + url.slice(i + 1);
}

const hasCurl = spawnSync('curl', ['--version']).status === 0;

describe.each([
  ['nogMiddleware on node:http', () => startMiddlewareServer({ keys: KEYS })],
  ['withNogAuth served as a fetch handler', () => startFetchServer({ keys: KEYS })],
])('end to end: %s', (_name, start) => {
  let server: Running;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.close());

  it('answers 200 to a URL from `reqsign nog sign`, 401 ERR_AUTH_NONCE_INVALID to its replay', async () => {
    const url = cliSign('GET', `${server.origin}/api/blobs/abc?x=1`);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    const seen = (await ok.json()) as { auth: { keyId: string; query: string | null; target: string } };
    expect(seen.auth.keyId).toBe(KEY.id);
    expect(seen.auth.query).toBe('x=1');
    expect(seen.auth.target).toBe('/api/blobs/abc?x=1');

    const replay = await fetch(url);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ statusCode: 401, errorCode: 'ERR_AUTH_NONCE_INVALID', message: 'Invalid nonce.' });
  });

  it('answers 401 ERR_AUTH_SIG_INVALID to a tampered URL (signature, path or query changed)', async () => {
    const tampered = [
      tamper(cliSign('GET', `${server.origin}/api/blobs/abc`)),
      cliSign('GET', `${server.origin}/api/blobs/abc`).replace('/abc?', '/abd?'),
      cliSign('GET', `${server.origin}/api/blobs/abc?x=1`).replace('x=1', 'x=2'),
    ];
    for (const url of tampered) {
      const response = await fetch(url);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ statusCode: 401, errorCode: 'ERR_AUTH_SIG_INVALID', message: 'Invalid signature.' });
    }
  });

  it('answers 200 to requests from createNogFetch, keeping method and body', async () => {
    const nogFetch = createNogFetch({ key: KEY });
    const get = await nogFetch(`${server.origin}/api/blobs/abc?x=1&y=2`);
    expect(get.status).toBe(200);
    const post = await nogFetch(`${server.origin}/api/blobs`, {
      method: 'POST',
      body: '{"name":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toMatchObject({ method: 'POST', body: '{"name":"x"}', auth: { keyId: KEY.id, query: null } });
    // Each call is signed afresh: the same call twice is two valid requests.
    expect((await nogFetch(`${server.origin}/api/blobs/abc?x=1&y=2`)).status).toBe(200);
    // A wrong secret is refused.
    const wrong = createNogFetch({ key: { id: KEY.id, secret: 'not the secret' } });
    expect(await (await wrong(`${server.origin}/p`)).json()).toMatchObject({ statusCode: 401, errorCode: 'ERR_AUTH_SIG_INVALID' });
  });

  it.skipIf(!hasCurl)('works as the README says: curl "$(reqsign nog sign GET URL)"', async () => {
    // Asynchronously: the server runs in this process and must keep answering while curl waits.
    const script = `curl -sS -w '\\n%{http_code}' "$(node ${JSON.stringify(CLI)} nog sign GET ${server.origin}/api/blobs/abc?x=1)"`;
    const { stdout: out } = await promisify(execFile)('sh', ['-c', script], { env: ENV, encoding: 'utf8', timeout: 30_000 });
    const [body, status] = out.split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body!)).toMatchObject({ auth: { keyId: KEY.id, query: 'x=1' } });
  });
});

describe('end to end: a failing nonce store', () => {
  it('answers 503 ERR_AUTH_NONCE_STORE, never 200, from both integrations', async () => {
    for (const start of [startMiddlewareServer, startFetchServer]) {
      const server = await start({ keys: KEYS, nonceStore: new MemoryNonceStore({ maxEntries: 1 }) });
      try {
        expect((await fetch(cliSign('GET', `${server.origin}/a`))).status).toBe(200);
        const full = await fetch(cliSign('GET', `${server.origin}/b`));
        expect(full.status).toBe(503);
        expect(await full.json()).toEqual({ statusCode: 503, errorCode: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.' });
      } finally {
        await server.close();
      }
    }
  });
});
