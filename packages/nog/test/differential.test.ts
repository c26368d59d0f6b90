import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builds, DATE_MS, pythonHmac } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl', 'python3');

// Independent implementations on this machine: the original bash tool's `openssl dgst -sha256 -hmac`, and Python's
// hmac module (the original Python client's method).
const SAFE = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'];
const CHARS = [...SAFE, ..."!$&'()*+,;=:@%/?", 'ä', '€', '𝄞'];
const input = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'get'),
  path: fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 60 }).map((p) => `/x${p}`),
  keyId: fc.string({ unit: fc.constantFrom(...SAFE), minLength: 1, maxLength: 20 }),
  // openssl takes the key as an argument: no NUL, and not starting with "-".
  secret: fc.string({ unit: fc.constantFrom(...SAFE, 'ä', '€', ' ', '"', '$'), minLength: 1, maxLength: 70 }).map((s) => `k${s}`),
  date: fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
  expires: fc.integer({ min: 0, max: 100000 }),
  nonce: fc.oneof(fc.constant(false as const), fc.string({ unit: fc.constantFrom(...SAFE), minLength: 1, maxLength: 20 })),
});

function opensslHmac(secret: string, data: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: Buffer.from(data, 'utf8') }).toString();
  // "SHA2-256(stdin)= <hex>" (OpenSSL 3) or "(stdin)= <hex>" (1.1).
  return out.trim().split(/\s+/).pop()!;
}

for (const [name, build] of builds) {
  describe(`differential (${name})`, () => {
    it('signatures equal `openssl dgst -sha256 -hmac` over the string to sign', async () => {
      const samples = fc.sample(input, { numRuns: 40, seed: 42 });
      for (const s of samples) {
        const r = await build.sign(
          s.method,
          s.path,
          { id: s.keyId, secret: s.secret },
          { date: s.date, expires: s.expires, nonce: s.nonce },
        );
        expect(r.signature).toBe(opensslHmac(s.secret, r.stringToSign));
      }
    });

    it('signatures equal Python hmac over 500 random requests', async () => {
      const samples = fc.sample(input, { numRuns: 500, seed: 7 });
      const results = await Promise.all(
        samples.map((s) =>
          build.sign(s.method, s.path, { id: s.keyId, secret: s.secret }, { date: s.date, expires: s.expires, nonce: s.nonce }),
        ),
      );
      const expected = pythonHmac(samples.map((s, i) => [s.secret, results[i]!.stringToSign] as const));
      expect(results.map((r) => r.signature)).toEqual(expected);
    });
  });
}

it('the known values agree with openssl too', () => {
  const sts =
    'GET\n/api/blobs/abc?authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600&authnonce=0123456789\n';
  expect(opensslHmac('0123456789abcdef0123456789abcdef01234567', sts)).toBe(
    'fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d',
  );
  expect(DATE_MS).toBe(Date.UTC(2015, 3, 20, 12, 34, 56));
});
