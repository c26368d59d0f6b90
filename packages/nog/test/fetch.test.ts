import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builds, KEY, KEYS } from './helpers.js';

// A real HTTP server that verifies what arrives on the wire.
let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; body: string; header: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, header: req.headers['x-test'] as string | undefined });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

for (const [name, build] of builds) {
  describe(`createNogFetch (${name})`, () => {
    const verifier = build.createVerifier({ keys: KEYS });

    it('signs each request at send time; the server verifies what arrived', async () => {
      const nogFetch = build.createNogFetch({ key: KEY });
      seen.length = 0;
      const res = await nogFetch(`${base}/api/blobs/abc?x=1`);
      expect(await res.text()).toBe('ok');
      const got = await verifier.verify(seen[0]!.method, seen[0]!.url);
      expect(got).toMatchObject({ ok: true, keyId: KEY.id, target: '/api/blobs/abc?x=1', query: 'x=1' });
      expect(got.ok && got.nonce).toMatch(/^[0-9a-f]{20}$/);
    });

    it('signs the URL as fetch sends it (non-ASCII and spaces percent-encoded, dot segments removed)', async () => {
      const nogFetch = build.createNogFetch({ key: KEY, expires: 60, nonce: false });
      seen.length = 0;
      await nogFetch(`${base}/a/../files/ä b?q=ü`);
      expect(seen[0]!.url.startsWith('/files/%C3%A4%20b?q=%C3%BC&authalgorithm=nog-v1&')).toBe(true);
      expect(seen[0]!.url).toContain('&authexpires=60&authsignature=');
      expect(await verifier.verify('GET', seen[0]!.url)).toMatchObject({ ok: true, nonce: null, target: '/files/%C3%A4%20b?q=%C3%BC' });
    });

    it('keeps method, headers and body, also from a Request object', async () => {
      const nogFetch = build.createNogFetch({ key: KEY });
      seen.length = 0;
      await nogFetch(new Request(`${base}/upload`, { method: 'PUT', body: 'payload', headers: { 'x-test': 'yes' } }));
      await nogFetch(`${base}/post`, { method: 'POST', body: JSON.stringify({ a: 1 }) });
      expect(seen.map((s) => [s.method, s.body, s.header])).toEqual([
        ['PUT', 'payload', 'yes'],
        ['POST', '{"a":1}', undefined],
      ]);
      for (const s of seen) expect((await verifier.verify(s.method, s.url)).ok).toBe(true);
    });

    it('uses the fetch it is given, and checks its options', async () => {
      const sent: string[] = [];
      const nogFetch = build.createNogFetch({
        key: KEY,
        fetch: async (input) => {
          sent.push((input as Request).url);
          return new Response('mine');
        },
      });
      expect(await (await nogFetch('https://example.com/p#frag')).text()).toBe('mine');
      expect(sent[0]).toMatch(/^https:\/\/example\.com\/p\?authalgorithm=nog-v1&.*&authsignature=[0-9a-f]{64}#frag$/);
      expect(() => build.createNogFetch({ key: { id: 1 } } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      expect(() => build.createNogFetch({ key: KEY, nonce: 'fixed' } as never)).toThrow(/nonce/);
    });

    it('takes the key in the shape sign takes, { id, secret }, and refuses the old keyId/secretKey with a typed error', () => {
      expect(() => build.createNogFetch({ keyId: KEY.id, secretKey: KEY.secret } as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('key') }),
      );
      expect(() => build.createNogFetch({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    });

    it('resolves a relative URL against baseUrl (without one it is a typed error, not a TypeError)', async () => {
      const nogFetch = build.createNogFetch({ key: KEY, baseUrl: `${base}/ignored?q` });
      seen.length = 0;
      await nogFetch('/api/blobs/abc?x=1');
      await nogFetch(new URL(`${base}/absolute`));
      expect(seen.map((s) => s.url.split('?')[0])).toEqual(['/api/blobs/abc', '/absolute']);
      for (const s of seen) expect((await verifier.verify(s.method, s.url)).ok).toBe(true);
      await expect(build.createNogFetch({ key: KEY })('/relative')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      expect(() => build.createNogFetch({ key: KEY, baseUrl: '/not-absolute' })).toThrow(/baseUrl/);
    });

    it('signs with the clock moved by clockOffset, for a client whose clock is off', async () => {
      const hour = 3_600_000;
      const late = build.createNogFetch({ key: KEY, clockOffset: -2 * hour });
      seen.length = 0;
      await late(`${base}/p`);
      const authdate = /authdate=(\d{4}-\d\d-\d\dT\d{6}Z)/.exec(seen[0]!.url)![1]!;
      const signedAt = Date.parse(authdate.replace(/T(\d\d)(\d\d)(\d\d)Z/, 'T$1:$2:$3Z'));
      expect(Math.abs(Date.now() - 2 * hour - signedAt)).toBeLessThan(5_000);
      // A verifier whose clock is 2 h behind this machine accepts it; one on this machine's time finds it expired.
      const behind = build.createVerifier({ keys: KEYS, now: () => Date.now() - 2 * hour });
      expect((await behind.verify('GET', seen[0]!.url)).ok).toBe(true);
      expect(await verifier.verify('GET', seen[0]!.url)).toMatchObject({ ok: false, code: 'ERR_AUTH_SIG_EXPIRED' });
      for (const bad of [Number.NaN, Infinity, '5']) {
        expect(() => build.createNogFetch({ key: KEY, clockOffset: bad as never })).toThrow(/clockOffset/);
      }
    });
  });
}
