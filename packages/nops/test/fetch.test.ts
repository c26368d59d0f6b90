import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { path, query } from './arbitraries.js';
import { DOC_KEY, builds, codeOf, keyPath, opensslVerify, pem, outcomeOf } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

interface Seen {
  readonly target: string;
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Whether openssl accepts x-nops-signature over <client id>.<today UTC>.<target as received>. */
  readonly verified: boolean;
}

// A real HTTP server that checks each request the way an nOps server would, with openssl as the verifier.
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.url!;
      const apiKey = String(req.headers['x-nops-api-key'] ?? new URLSearchParams(target.split('?')[1] ?? '').get('api_key'));
      const clientId = apiKey.slice(0, apiKey.indexOf('.'));
      const signature = String(req.headers['x-nops-signature']);
      const today = new Date().toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() - 60_000).toISOString().slice(0, 10);
      const verified = [today, yesterday].some((d) =>
        opensslVerify(keyPath('rsa2048.pub'), Buffer.from(`${clientId}.${d}.${target}`), signature),
      );
      const seen: Seen = { target, method: req.method!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), verified };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(seen));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(builds)('createNopsFetch (%s)', (_name, build) => {
  const nopsFetch = () => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), baseUrl });

  it('signs a relative request with the key in the query, as the server receives it', async () => {
    const seen = (await (await nopsFetch()('/nops_api/v1/billingGetTotal/')).json()) as Seen;
    expect(seen.target).toBe(`/nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`);
    expect(seen.verified).toBe(true);
  });

  it('adds the trailing slash, keeps the query, and signs what the URL parser sends', async () => {
    const seen = (await (await nopsFetch()('/nops_api/v1/a/../café?q=ü&x=1')).json()) as Seen;
    expect(seen.target).toBe(`/nops_api/v1/caf%C3%A9/?q=%C3%BC&x=1&api_key=${DOC_KEY}`);
    expect(seen.verified).toBe(true);
  });

  it("sends the key in X-Nops-Api-Key in header form and keeps the caller's headers, method and body", async () => {
    const f = build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), baseUrl, apiKeyIn: 'header' });
    const res = await f(new URL('/c/admin/projectaws/', baseUrl), {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'x-extra': 'yes' },
    });
    const seen = (await res.json()) as Seen;
    expect(seen.target).toBe('/c/admin/projectaws/');
    expect(seen.headers['x-nops-api-key']).toBe(DOC_KEY);
    expect(seen.headers['x-extra']).toBe('yes');
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('{"a":1}');
    expect(seen.verified).toBe(true);
  });

  it('signs a Request object, carrying its method, headers and body over', async () => {
    const request = new Request(`${baseUrl}/nops_api/v1/report?from=2022-01-01`, {
      method: 'PUT',
      body: 'payload',
      headers: { 'x-extra': 'r' },
    });
    const seen = (await (await nopsFetch()(request)).json()) as Seen;
    expect(seen.target).toBe(`/nops_api/v1/report/?from=2022-01-01&api_key=${DOC_KEY}`);
    expect(seen.method).toBe('PUT');
    expect(seen.body).toBe('payload');
    expect(seen.headers['x-extra']).toBe('r');
    expect(seen.verified).toBe(true);
  });

  it('resolves against https://app.nops.io by default and calls the fetch given', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const f = build.createNopsFetch({
      apiKey: DOC_KEY,
      privateKey: pem('rsa2048'),
      fetch: async (url, init) => {
        calls.push([url, init]);
        return new Response('ok');
      },
    });
    await f('/nops_api/v1/billingGetTotal/');
    expect(calls[0]![0]).toBe(`https://app.nops.io/nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`);
    expect(new Headers(calls[0]![1]!.headers).get('x-nops-signature')).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('the URL it signs is the URL fetch sends, for any path and query', async () => {
    await fc.assert(
      fc.asyncProperty(path, query, async (p, q) => {
        let sent = '';
        let signature = '';
        const f = build.createNopsFetch({
          apiKey: DOC_KEY,
          privateKey: pem('rsa1024'),
          fetch: async (url, init) => {
            sent = url;
            signature = new Headers(init?.headers).get('x-nops-signature')!;
            return new Response('');
          },
        });
        const input = p + (q === null ? '' : `?${q}`);
        if (!URL.canParse(input, 'https://app.nops.io')) {
          // "/\\" is "//" with an empty host: not a URL at all.
          expect(await codeOf(f(input))).toBe('ERR_INVALID_ARGUMENT');
          expect(sent).toBe('');
          return;
        }
        if (new URL(input, 'https://app.nops.io').origin !== 'https://app.nops.io') {
          // "/\\host/..." leaves the origin: refused, nothing sent.
          expect(await codeOf(f(input))).toBe('ERR_NOPS_ORIGIN');
          expect(sent).toBe('');
          return;
        }
        await f(input);
        const wire = new URL(new Request(sent).url);
        expect(wire.href).toBe(sent);
        const target = wire.pathname + wire.search;
        const day = new Date().toISOString().slice(0, 10);
        expect(await outcomeOf(build.verify({ url: target, apiKey: DOC_KEY, date: day }, signature, pem('rsa1024.pub')))).toBe('valid');
      }),
      { numRuns: 40 },
    );
  });

  it('fails early on bad options and at send time on a bad key', async () => {
    expect(await codeOf(() => build.createNopsFetch({ apiKey: 'nodot', privateKey: pem('rsa2048') }))).toBe('ERR_NOPS_API_KEY');
    expect(await codeOf(() => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), baseUrl: 'not a url' }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(await codeOf(() => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), apiKeyIn: 'body' as never }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    const f = build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('ec256'), baseUrl });
    expect(await codeOf(f('/p/'))).toBe('ERR_NOPS_KEY');
  });

  it('signs the day of the clock moved by clockOffset, for a client whose clock is off', async () => {
    const day = 86_400_000;
    const messages: string[] = [];
    const f = build.createNopsFetch({
      apiKey: DOC_KEY,
      privateKey: pem('rsa2048'),
      clockOffset: -3 * day,
      fetch: async (url, init) => {
        const signature = new Headers(init?.headers).get('x-nops-signature')!;
        const target = url.slice('https://app.nops.io'.length);
        const days = [-3, -4].map((d) => new Date(Date.now() + d * day).toISOString().slice(0, 10));
        messages.push(...days.filter((d) => opensslVerify(keyPath('rsa2048.pub'), Buffer.from(`123.${d}.${target}`), signature)));
        return new Response('{}');
      },
    });
    await f('/p/');
    expect(messages).toHaveLength(1);
    for (const bad of [Number.NaN, -Infinity, '1']) {
      expect(await codeOf(() => build.createNopsFetch({ apiKey: DOC_KEY, privateKey: pem('rsa2048'), clockOffset: bad as never }))).toBe(
        'ERR_INVALID_ARGUMENT',
      );
    }
  });

  it("sends nothing to an origin other than baseUrl's", async () => {
    const sent: string[] = [];
    const f = build.createNopsFetch({
      apiKey: DOC_KEY,
      privateKey: pem('rsa1024'),
      fetch: async (url) => {
        sent.push(url);
        return new Response('');
      },
    });
    for (const input of [
      '//evil.example/p/',
      '/\\evil.example/p/',
      'https://evil.example/p/',
      'http://app.nops.io/p/',
      'https://app.nops.io:444/p/',
      new URL('https://evil.example/'),
    ]) {
      expect(await codeOf(f(input)), String(input)).toBe('ERR_NOPS_ORIGIN');
    }
    expect(await codeOf(f(new Request('https://evil.example/p/')))).toBe('ERR_NOPS_ORIGIN');
    expect(await codeOf(f('http://[::1'))).toBe('ERR_INVALID_ARGUMENT');
    expect(sent).toEqual([]);
    await f('https://app.nops.io/p/');
    expect(sent).toHaveLength(1);
  });
});
