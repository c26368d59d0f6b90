import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryNonceStore, NogError, createVerifier } from '@reqsign/nog';
import { createNogAuthenticator, getNogAuth, withNogAuth, type NogAuth } from '@reqsign/http';
import { KEY, KEYS, signed, tamperSignature } from './helpers.js';

const ORIGIN = 'https://nog.example.org';

/** A handler that echoes what it received, so tests see exactly what the application sees. */
function echo(request: Request, ...rest: unknown[]): Response {
  const auth = getNogAuth(request);
  return Response.json({ auth, url: request.url, rest });
}

async function body(response: Response): Promise<{ auth: NogAuth & { authdate: string }; url: string; rest: unknown[] }> {
  return (await response.json()) as never;
}

describe('withNogAuth (fetch API)', () => {
  it('passes a signed request to the handler with its verification, and refuses the replay', async () => {
    const handler = withNogAuth(echo, { keys: KEYS });
    const url = await signed('GET', `${ORIGIN}/api/blobs/abc?x=1&y=2`);
    const ok = await handler(new Request(url));
    expect(ok.status).toBe(200);
    const seen = await body(ok);
    expect(seen.auth.keyId).toBe(KEY.id);
    expect(seen.auth.target).toBe('/api/blobs/abc?x=1&y=2');
    expect(seen.auth.query).toBe('x=1&y=2');
    expect(seen.auth.nonce).toMatch(/^[0-9a-f]{20}$/);
    expect(seen.url).toBe(url); // the request itself is handed on untouched

    const replay = await handler(new Request(url));
    expect(replay.status).toBe(401);
    expect(replay.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await replay.text()).toBe('{"statusCode":401,"errorCode":"ERR_AUTH_NONCE_INVALID","message":"Invalid nonce."}');
  });

  it('answers each failure as the original server: 401 and {statusCode, errorCode, message}', async () => {
    const handler = withNogAuth(echo, { keys: KEYS });
    const cases: Array<[string, string, string]> = [
      [tamperSignature(await signed('GET', `${ORIGIN}/p`)), 'ERR_AUTH_SIG_INVALID', 'Invalid signature.'],
      [`${ORIGIN}/p?x=1`, 'ERR_AUTH_FIELD_MISSING', 'Invalid signature (missing authkeyid).'],
      [await signed('GET', `${ORIGIN}/p`, { date: Date.now() - 3_600_000, expires: 60 }), 'ERR_AUTH_SIG_EXPIRED', 'Expired signature'],
      [await signed('POST', `${ORIGIN}/p`), 'ERR_AUTH_SIG_INVALID', 'Invalid signature.'], // signed for POST, sent as GET
    ];
    for (const [url, code, message] of cases) {
      const response = await handler(new Request(url));
      expect(response.status, code).toBe(401);
      expect(await response.json()).toEqual({ statusCode: 401, errorCode: code, message });
    }
    const unknown = await withNogAuth(echo, { keys: { other: 'secret' } })(new Request(await signed('GET', `${ORIGIN}/p`)));
    expect(await unknown.json()).toEqual({ statusCode: 401, errorCode: 'ERR_AUTH_KEY_UNKNOWN', message: 'Unknown key.' });
  });

  it('answers 503 when the nonce store fails, never passing the request', async () => {
    // A real store that refuses: a memory store with room for one nonce.
    const handler = withNogAuth(echo, { keys: KEYS, nonceStore: new MemoryNonceStore({ maxEntries: 1 }) });
    expect((await handler(new Request(await signed('GET', `${ORIGIN}/a`)))).status).toBe(200);
    const full = await handler(new Request(await signed('GET', `${ORIGIN}/b`)));
    expect(full.status).toBe(503);
    expect(await full.json()).toEqual({
      statusCode: 503,
      errorCode: 'ERR_AUTH_NONCE_STORE',
      message: 'Nonce store unavailable.',
    });
  });

  it('uses the method of the request', async () => {
    const handler = withNogAuth(echo, { keys: KEYS });
    const url = await signed('DELETE', `${ORIGIN}/api/blobs/abc`);
    expect((await handler(new Request(url, { method: 'DELETE' }))).status).toBe(200);
    const url2 = await signed('DELETE', `${ORIGIN}/api/blobs/abc`);
    expect((await handler(new Request(url2, { method: 'PUT', body: 'x' }))).status).toBe(401);
  });

  it('hands the handler its other arguments unchanged (Next context, worker env and ctx, Deno info)', async () => {
    const handler = withNogAuth(echo, { keys: KEYS });
    const response = await handler(new Request(await signed('GET', `${ORIGIN}/p`)), { params: { id: 'x' } }, 42);
    expect((await body(response)).rest).toEqual([{ params: { id: 'x' } }, 42]);
  });

  it('shares one verifier (and its nonce store) between routes when given { verifier }', async () => {
    const verifier = createVerifier({ keys: KEYS });
    const a = withNogAuth(echo, { verifier });
    const b = withNogAuth(echo, { verifier });
    const url = await signed('GET', `${ORIGIN}/p`);
    expect((await a(new Request(url))).status).toBe(200);
    expect((await b(new Request(url))).status).toBe(401);
  });

  it('puts back a mountPrefix that a proxy stripped before verifying', async () => {
    const url = await signed('GET', `${ORIGIN}/api/blobs/abc?x=1`);
    const forwarded = url.replace('/api/blobs', '/blobs');
    const mounted = withNogAuth(echo, { keys: KEYS, mountPrefix: '/api' });
    const ok = await mounted(new Request(forwarded));
    expect(ok.status).toBe(200);
    expect((await body(ok)).auth.target).toBe('/api/blobs/abc?x=1');
    // Without the prefix the stripped target is not what the client signed.
    const bare = withNogAuth(echo, { keys: KEYS });
    expect(await (await bare(new Request((await signed('GET', `${ORIGIN}/api/x`)).replace('/api/x', '/x')))).json()).toMatchObject({
      errorCode: 'ERR_AUTH_SIG_INVALID',
    });
    // A proxy that strips /api from /api?q forwards /?q.
    const root = await signed('GET', `${ORIGIN}/api?q=1`);
    expect((await mounted(new Request(root.replace('/api?', '/?')))).status).toBe(200);
    expect((await mounted(new Request(root.replace('/api?', '/?')))).status).toBe(401); // and only once
    // ... and from /api/?q, which a proxy forwards the same way.
    const slash = await signed('GET', `${ORIGIN}/api/?q=1`);
    const ok2 = await mounted(new Request(slash.replace('/api/?', '/?')));
    expect(ok2.status).toBe(200);
    expect((await body(ok2)).auth.target).toBe('/api/?q=1');
    // A tampered root request still fails as a bad signature.
    const bad = await mounted(new Request(tamperSignature(await signed('GET', `${ORIGIN}/api`)).replace('/api?', '/?')));
    expect(await bad.json()).toMatchObject({ errorCode: 'ERR_AUTH_SIG_INVALID' });
  });

  it('verifies the URL from originalUrl(request) when it returns one, else the request URL', async () => {
    const handler = withNogAuth(echo, {
      keys: KEYS,
      originalUrl: (request) => request.headers.get('x-original-url'),
    });
    const url = await signed('GET', '/public/api/blobs/abc');
    const internal = `http://10.0.0.7:8080/blobs/abc${url.slice(url.indexOf('?'))}`;
    const ok = await handler(new Request(internal, { headers: { 'x-original-url': url } }));
    expect(ok.status).toBe(200);
    expect((await body(ok)).auth.target).toBe('/public/api/blobs/abc');
    const direct = await signed('GET', `${ORIGIN}/p`);
    expect((await handler(new Request(direct))).status).toBe(200);
  });

  it('createNogAuthenticator returns the auth or the failure response (for Hono-style middleware)', async () => {
    const authenticate = createNogAuthenticator({ keys: KEYS });
    const request = new Request(await signed('GET', `${ORIGIN}/p?a=b`));
    const auth = await authenticate(request);
    expect(auth).not.toBeInstanceOf(Response);
    expect((auth as NogAuth).query).toBe('a=b');
    expect(getNogAuth(request)).toBe(auth);
    const again = await authenticate(new Request(request.url));
    expect(again).toBeInstanceOf(Response);
    expect((again as Response).status).toBe(401);
    expect(getNogAuth(new Request(`${ORIGIN}/p`))).toBeUndefined();
  });

  it('signs and verifies the URL as fetch puts it on the wire, for any URL (property)', async () => {
    const handler = withNogAuth(echo, { keys: KEYS });
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ withQueryParameters: true, withFragments: true }), async (raw) => {
        const wire = new Request(raw).url; // normalized by the URL parser
        const url = await signed('GET', wire);
        // fetch sends no fragment; one that reached the server anyway is an unsigned tail after the signature.
        const response = await handler(new Request(url.split('#')[0]!));
        expect(response.status).toBe(200);
        if (url.includes('#')) expect((await handler(new Request(url))).status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a fragment after the signature (ERR_AUTH_SIG_INVALID), as the original server did', async () => {
    const handler = withNogAuth(echo, { keys: KEYS });
    const url = await signed('GET', `${ORIGIN}/p?a=b`);
    for (const tail of ['#frag', '#']) {
      const response = await handler(new Request(url + tail));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ errorCode: 'ERR_AUTH_SIG_INVALID' });
    }
    expect((await handler(new Request(url))).status).toBe(200);
  });

  it('rejects bad options with a typed error naming the option', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(NogError);
        return `${(err as NogError).code} ${(err as Error).message}`;
      }
      return 'no error';
    };
    expect(code(() => withNogAuth(echo, { keys: KEYS, mountPrefix: 'api' }))).toMatch(/^ERR_OPTION_RANGE mountPrefix/);
    expect(code(() => withNogAuth(echo, { keys: KEYS, mountPrefix: '/api/' }))).toMatch(/^ERR_OPTION_RANGE mountPrefix/);
    expect(code(() => withNogAuth(echo, { keys: KEYS, mountPrefix: 1 as never }))).toMatch(/^ERR_INVALID_ARGUMENT mountPrefix/);
    expect(code(() => withNogAuth(echo, { keys: KEYS, originalUrl: 'x' as never }))).toMatch(/^ERR_INVALID_ARGUMENT originalUrl/);
    expect(code(() => withNogAuth('x' as never, { keys: KEYS }))).toMatch(/^ERR_INVALID_ARGUMENT handler/);
    expect(code(() => withNogAuth(echo, { verifier: {} as never }))).toMatch(/^ERR_INVALID_ARGUMENT verifier/);
    expect(code(() => withNogAuth(echo, null as never))).toMatch(/^ERR_INVALID_ARGUMENT options/);
    const verifier = createVerifier({ keys: KEYS });
    expect(code(() => withNogAuth(echo, { verifier, keys: KEYS } as never))).toMatch(
      /^ERR_INVALID_ARGUMENT keys cannot be given together with verifier/,
    );
    expect(code(() => withNogAuth(echo, { verifier, nonceStore: new MemoryNonceStore() } as never))).toMatch(/nonceStore/);
  });
});
