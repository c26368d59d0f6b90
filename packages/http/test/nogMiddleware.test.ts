import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryNonceStore, NogError } from '@reqsign/nog';
import { getNogAuth, nogMiddleware, type NogFailureEvent, type NogMiddlewareOptions } from '@reqsign/http';
import { KEY, KEYS, signed, tamperSignature } from './helpers.js';

interface Seen {
  url: string;
  originalUrl?: string;
  query?: unknown;
  nogAuth: unknown;
  registered: boolean;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/**
 * A real HTTP server on loopback: `prepare` may play Express (set originalUrl, strip a mount path, parse req.query)
 * before the middleware runs; the application answers 200 with what it saw.
 */
async function serve(
  options: NogMiddlewareOptions,
  prepare: (req: IncomingMessage & Record<string, unknown>) => void = () => {},
): Promise<string> {
  const auth = nogMiddleware(options);
  server = createServer((req: IncomingMessage & Record<string, unknown>, res: ServerResponse) => {
    prepare(req);
    void auth(req, res, (err?: unknown) => {
      if (err) {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: (err as Error).message }));
        return;
      }
      const seen: Seen = {
        url: req.url ?? '',
        nogAuth: req.nogAuth,
        registered: getNogAuth(req) === req.nogAuth,
        ...(req.originalUrl !== undefined ? { originalUrl: req.originalUrl as string } : {}),
        ...(req.query !== undefined ? { query: req.query } : {}),
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(seen));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** Sends a request with the target bytes exactly as given (no URL normalization on the way). */
function send(
  base: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path: target, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('nogMiddleware (node:http)', () => {
  it('lets a signed request through with req.nogAuth and the auth parameters removed from req.url', async () => {
    const base = await serve({ keys: KEYS });
    const target = await signed('GET', '/api/blobs/abc?x=1&y=%20z');
    const ok = await send(base, 'GET', target);
    expect(ok.status).toBe(200);
    const seen = JSON.parse(ok.body) as Seen & { nogAuth: { keyId: string; query: string; target: string } };
    expect(seen.url).toBe('/api/blobs/abc?x=1&y=%20z');
    expect(seen.nogAuth.keyId).toBe(KEY.id);
    expect(seen.nogAuth.query).toBe('x=1&y=%20z');
    expect(seen.registered).toBe(true);

    const noQuery = await send(base, 'GET', await signed('GET', '/api/blobs/abc'));
    expect(JSON.parse(noQuery.body).url).toBe('/api/blobs/abc');
    const emptyQuery = await send(base, 'GET', await signed('GET', '/p?'));
    expect(JSON.parse(emptyQuery.body).url).toBe('/p?');
  });

  it('answers replays, tampering and missing fields with 401 JSON exactly as the original server', async () => {
    const base = await serve({ keys: KEYS });
    const target = await signed('GET', '/api/blobs/abc');
    expect((await send(base, 'GET', target)).status).toBe(200);
    const replay = await send(base, 'GET', target);
    expect(replay.status).toBe(401);
    expect(replay.headers['content-type']).toMatch(/^application\/json/);
    expect(replay.body).toBe('{"statusCode":401,"errorCode":"ERR_AUTH_NONCE_INVALID","message":"Invalid nonce."}');
    const tampered = await send(base, 'GET', tamperSignature(await signed('GET', '/api/blobs/abc')));
    expect(JSON.parse(tampered.body)).toEqual({ statusCode: 401, errorCode: 'ERR_AUTH_SIG_INVALID', message: 'Invalid signature.' });
    const otherPath = (await signed('GET', '/api/blobs/abc')).replace('/abc', '/abd');
    expect(JSON.parse((await send(base, 'GET', otherPath)).body).errorCode).toBe('ERR_AUTH_SIG_INVALID');
    const missing = await send(base, 'GET', '/api/blobs/abc');
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body).errorCode).toBe('ERR_AUTH_FIELD_MISSING');
    const wrongMethod = await send(base, 'PUT', await signed('GET', '/api/blobs/abc'));
    expect(JSON.parse(wrongMethod.body).errorCode).toBe('ERR_AUTH_SIG_INVALID');
  });

  it('verifies the method as the request line carried it; a non-token method (a method override) is ERR_AUTH_MALFORMED', async () => {
    // An application that takes the method from elsewhere (a method-override header) may hand over anything: a
    // string that is no token is the request's failure, never a verified signature over it. Without the header,
    // node:http hands over the method as received, and it is verified as signed.
    const base = await serve({ keys: KEYS }, (req) => {
      const override = req.headers['x-http-method-override'];
      if (typeof override === 'string') req.method = override;
    });
    for (const method of ['PROPFIND', 'PATCH', 'M-SEARCH']) {
      expect((await send(base, method, await signed(method, '/api/blobs/abc'))).status).toBe(200);
    }
    const target = await signed('GET', '/api/blobs/abc');
    const refused = await send(base, 'GET', target, { 'x-http-method-override': 'G T' });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).errorCode).toBe('ERR_AUTH_MALFORMED');
    expect((await send(base, 'GET', target)).status).toBe(200);
  });

  it('answers 503 when the nonce store fails, and never calls the application', async () => {
    const base = await serve({ keys: KEYS, nonceStore: new MemoryNonceStore({ maxEntries: 1 }) });
    expect((await send(base, 'GET', await signed('GET', '/a'))).status).toBe(200);
    const full = await send(base, 'GET', await signed('GET', '/b'));
    expect(full.status).toBe(503);
    expect(JSON.parse(full.body)).toEqual({ statusCode: 503, errorCode: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.' });
  });

  it('refuses a fragment after the signature that came in the request line (ERR_AUTH_SIG_INVALID)', async () => {
    // Node's http server passes a raw `#...` through in req.url; the original server refused it.
    const base = await serve({ keys: KEYS });
    for (const tail of ['#frag', '#']) {
      const target = (await signed('GET', '/api/blobs/abc?x=1')) + tail;
      const refused = await send(base, 'GET', target);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body).errorCode).toBe('ERR_AUTH_SIG_INVALID');
      // Not burned: the same nonce without the tail is accepted once.
      expect((await send(base, 'GET', target.slice(0, -tail.length))).status).toBe(200);
    }
  });

  it('verifies a target that starts with // as it was sent', async () => {
    const base = await serve({ keys: KEYS });
    const target = (await signed('GET', 'http://h//double/slash?x=1')).slice('http://h'.length);
    const ok = await send(base, 'GET', target);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).url).toBe('//double/slash?x=1');
  });

  it('verifies req.originalUrl under an Express sub-router and cleans both URLs and the parsed query', async () => {
    // What Express does for app.use('/api', router): originalUrl keeps the mount path, url loses it, and
    // Express 4 has already parsed req.query.
    const base = await serve({ keys: KEYS }, (req) => {
      req.originalUrl = req.url;
      req.url = (req.url ?? '').slice('/api'.length);
      req.query = Object.fromEntries(new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
    });
    const ok = await send(base, 'GET', await signed('GET', '/api/blobs/abc?x=1'));
    expect(ok.status).toBe(200);
    const seen = JSON.parse(ok.body) as Seen;
    expect(seen.url).toBe('/blobs/abc?x=1');
    expect(seen.originalUrl).toBe('/api/blobs/abc?x=1');
    expect(seen.query).toEqual({ x: '1' });
  });

  it('leaves the URL alone with rewriteUrl: false', async () => {
    const base = await serve({ keys: KEYS, rewriteUrl: false });
    const target = await signed('GET', '/p?x=1');
    expect(JSON.parse((await send(base, 'GET', target)).body).url).toBe(target);
  });

  it('puts back a mountPrefix stripped by a proxy, and refuses the stripped target without it', async () => {
    const target = await signed('GET', '/nog/api/blobs/abc?x=1');
    const forwarded = target.replace('/nog/api', '/api');
    const prefixed = await serve({ keys: KEYS, mountPrefix: '/nog' });
    const ok = await send(prefixed, 'GET', forwarded);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).url).toBe('/api/blobs/abc?x=1');
    await new Promise((resolve) => server!.close(resolve));
    const plain = await serve({ keys: KEYS });
    const refused = await send(plain, 'GET', (await signed('GET', '/nog/api/x')).replace('/nog/api', '/api'));
    expect(JSON.parse(refused.body).errorCode).toBe('ERR_AUTH_SIG_INVALID');
  });

  it('verifies the URL a trusted proxy reports with originalUrl, and only with it', async () => {
    const base = await serve({
      keys: KEYS,
      originalUrl: (req) => {
        const h = req.headers['x-original-url'];
        return typeof h === 'string' ? h : null;
      },
    });
    const target = await signed('GET', '/public/blobs/abc?x=1');
    const internal = `/blobs/abc${target.slice(target.indexOf('?'))}`;
    expect((await send(base, 'GET', internal, { 'x-original-url': target })).status).toBe(200);
    // Without the header the internal target is verified as received, and fails.
    const again = await signed('GET', '/public/blobs/abc?x=1');
    const refused = await send(base, 'GET', `/blobs/abc${again.slice(again.indexOf('?'))}`);
    expect(JSON.parse(refused.body).errorCode).toBe('ERR_AUTH_SIG_INVALID');
  });

  it('answers 503 ERR_AUTH_KEY_LOOKUP for a key lookup that throws or rejects, never next(err), with the cause in onFailure, as the README says', async () => {
    const events: NogFailureEvent[] = [];
    for (const keys of [
      () => {
        throw new Error('database down');
      },
      () => Promise.reject(new Error('database down')),
    ]) {
      const base = await serve({ keys, onFailure: (e) => events.push(e) });
      const res = await send(base, 'GET', await signed('GET', '/a'));
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toEqual({ statusCode: 503, errorCode: 'ERR_AUTH_KEY_LOOKUP', message: 'Key lookup unavailable.' });
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
    // The cause is kept for onFailure (and only there): the lookup's own exception.
    expect(events.map((e) => (e.cause as Error).message)).toEqual(['database down', 'database down']);
    // The README's Node section says the same: 503, and no key lookup sent to next(err).
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const node = readme.slice(readme.indexOf('## Node `http`'), readme.indexOf('\n## ', readme.indexOf('## Node `http`') + 1));
    expect(node).toMatch(/key-lookup function that throws[^.]*`ERR_AUTH_KEY_LOOKUP`/);
    expect(node).toMatch(/503/);
    expect(node).not.toMatch(/key-lookup function that throws\) goes to `next\(err\)`/);
    expect(node).toMatch(/`cause`[^.]*`onFailure`/);
  });

  it('hands an unexpected verifier exception to next(err)', async () => {
    const base = await serve({ verifier: { verify: () => Promise.reject(new Error('database down')) } });
    const res = await send(base, 'GET', '/p');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: 'database down' });
  });

  it('hands a request without a URL string to next as a typed error, with a mountPrefix too (not a TypeError)', async () => {
    for (const mountPrefix of [undefined, '/nog']) {
      const middleware = nogMiddleware({ keys: KEYS, ...(mountPrefix === undefined ? {} : { mountPrefix }) });
      for (const url of [42, Symbol('url'), {}]) {
        let passed: unknown = 'not called';
        const res = { statusCode: 0, setHeader: () => undefined, end: () => undefined };
        await middleware({ method: 'GET', url: url as never, headers: {} }, res, (err) => (passed = err));
        expect(passed).toBeInstanceOf(NogError);
        expect(passed).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      }
    }
  });

  it('with an originalUrl option, passes a signed request whose own url is no string (nothing to rewrite)', async () => {
    const url = await signed('GET', '/p?x=1');
    const middleware = nogMiddleware({ keys: KEYS, originalUrl: () => url });
    const req = { method: 'GET', url: 42 as never, headers: {} };
    let passed: unknown = 'not called';
    await middleware(req, { statusCode: 0, setHeader: () => undefined, end: () => undefined }, (err) => (passed = err));
    expect(passed).toBeUndefined();
    expect(req.url).toBe(42);
  });

  it('rejects bad options with a typed error', () => {
    expect(() => nogMiddleware({ keys: KEYS, rewriteUrl: 'yes' as never })).toThrow(NogError);
    expect(() => nogMiddleware({ keys: KEYS, mountPrefix: '/' })).toThrow(/mountPrefix/);
  });
});
