import { describe, expect, it } from 'vitest';
import { builds, DATE_MS, KEY, node } from './helpers.js';

const code = (c: string) => expect.objectContaining({ code: c });

for (const [name, build] of builds) {
  describe(`sign (${name})`, () => {
    it('defaults: now, expires 600, a fresh 20-hex nonce from a CSPRNG', async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const r = await build.sign('GET', '/p', KEY);
      const after = Date.now();
      const authdate = Date.parse(r.authdate.replace(/^(.{13})(..)(..)Z$/, '$1:$2:$3Z'));
      expect(authdate).toBeGreaterThanOrEqual(before);
      expect(authdate).toBeLessThanOrEqual(after);
      expect(r.expires).toBe(600);
      expect(r.nonce).toMatch(/^[0-9a-f]{20}$/);
      expect(r.target).toBe(`/p?authalgorithm=nog-v1&authkeyid=${KEY.id}&authdate=${r.authdate}&authexpires=600&authnonce=${r.nonce}`);
      expect(r.url).toBe(`${r.target}&authsignature=${r.signature}`);
      expect(r.stringToSign).toBe(`GET\n${r.target}\n`);
    });

    it('draws a different nonce every time (20,000 nonces, no repeat, every hex digit in every position)', async () => {
      const seen = new Set<string>();
      const digits = Array.from({ length: 20 }, () => new Set<string>());
      for (let i = 0; i < 20_000; i++) {
        const n = (await build.sign('GET', '/p', KEY, { date: DATE_MS })).nonce!;
        seen.add(n);
        for (let j = 0; j < 20; j++) digits[j]!.add(n[j]!);
      }
      expect(seen.size).toBe(20_000);
      for (const d of digits) expect(d.size).toBe(16);
    });

    it('keeps the form of the URL: absolute in, absolute out, fragment last and unsigned', async () => {
      const r = await build.sign('GET', 'https://example.com:8443/a?b=1#frag', KEY, { date: DATE_MS, nonce: false });
      expect(r.target.startsWith('/a?b=1&authalgorithm=nog-v1&')).toBe(true);
      expect(r.url).toBe(`https://example.com:8443${r.target}&authsignature=${r.signature}#frag`);
      expect(r.nonce).toBeNull();
      expect(r.target).not.toContain('authnonce');
    });

    it('accepts a Date or milliseconds, dropping milliseconds', async () => {
      const a = await build.sign('GET', '/p', KEY, { date: new Date(DATE_MS + 999), nonce: 'n' });
      const b = await build.sign('GET', '/p', KEY, { date: DATE_MS, nonce: 'n' });
      expect(a.authdate).toBe('2015-04-20T123456Z');
      expect(a.signature).toBe(b.signature);
    });

    it('rejects wrong argument types with ERR_INVALID_ARGUMENT, naming the argument', async () => {
      await expect(build.sign(1 as never, '/p', KEY)).rejects.toThrow(/method/);
      await expect(build.sign('GET', 1 as never, KEY)).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', null as never)).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', { id: KEY.id } as never)).rejects.toThrow(/key\.secret/);
      await expect(build.sign('GET', '/p', KEY, { expires: '600' as never })).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', KEY, { nonce: 5 as never })).rejects.toThrow(/options\.nonce/);
      await expect(build.sign('GET', '/p', KEY, { date: 'now' as never })).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
      await expect(build.sign('GET', '/p', KEY, 'x' as never)).rejects.toThrow(code('ERR_INVALID_ARGUMENT'));
    });

    it('rejects values that cannot be signed safely, without echoing the secret', async () => {
      await expect(build.sign('GET', '/p', KEY, { date: Number.NaN })).rejects.toThrow(code('ERR_DATE_RANGE'));
      await expect(build.sign('GET', '/p', KEY, { expires: Number.MAX_SAFE_INTEGER + 1 })).rejects.toThrow(code('ERR_SIGN_EXPIRES'));
      const err = await build.sign('GET', 'ftp://x/p', { id: 'k', secret: 'TOPSECRET' }).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'ERR_TARGET_SCHEME', name: 'CanonicalError' });
      const err2 = await build.sign('GET', '/p', { id: 'k&x', secret: 'TOPSECRET' }).catch((e: Error) => e);
      expect(err2).toBeInstanceOf(build.NogError);
      expect(String((err2 as Error).message)).not.toContain('TOPSECRET');
      expect(String((err2 as Error).message)).not.toContain('k&x');
    });
  });
}

describe('signSync (node)', () => {
  it('returns what sign resolves to', async () => {
    const opts = { date: DATE_MS, nonce: '0123456789', expires: 600 } as const;
    expect(node.signSync('POST', '/api/blobs/abc?x=1', KEY, opts)).toEqual(await node.sign('POST', '/api/blobs/abc?x=1', KEY, opts));
    expect(node.signSync('GET', '/api/blobs/abc', KEY, opts).signature).toBe('fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d');
    expect(() => node.signSync('', '/p', KEY)).toThrow(code('ERR_SIGN_METHOD'));
  });
});
