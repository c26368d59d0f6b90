import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builds, codeOf, withTempDir, outcomeOf } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

/** What `openssl pkey` says about a PEM: its text dump (throws when openssl cannot read it). */
function opensslText(pem: string, pub: boolean): string {
  return withTempDir((dir) => {
    const file = join(dir, 'key.pem');
    writeFileSync(file, pem);
    return execFileSync('openssl', ['pkey', ...(pub ? ['-pubin'] : []), '-in', file, '-noout', '-text'], { encoding: 'utf8' });
  });
}

describe.each(builds)('generateKeyPair (%s)', (_name, build) => {
  it('makes a 2048-bit pair by default: PKCS#8 private key, SPKI public key, both read by openssl', async () => {
    const pair = await build.generateKeyPair();
    expect(pair.privateKey).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END PRIVATE KEY-----\n$/,
    );
    expect(pair.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END PUBLIC KEY-----\n$/);
    expect(opensslText(pair.privateKey, false)).toMatch(/Private-Key: \(2048 bit, 2 primes\)/);
    const pub = opensslText(pair.publicKey, true);
    expect(pub).toMatch(/Public-Key: \(2048 bit\)/);
    expect(pub).toMatch(/Exponent: 65537/);
    const s = await build.sign('/p/', { apiKey: '1.a', privateKey: pair.privateKey });
    expect(await outcomeOf(build.verify({ message: s.message }, s.signature, pair.publicKey))).toBe('valid');
  });

  it('makes the size asked for', async () => {
    const pair = await build.generateKeyPair({ bits: 1024 });
    expect(opensslText(pair.publicKey, true)).toMatch(/Public-Key: \(1024 bit\)/);
  });

  it('makes a new key each time', async () => {
    const [a, b] = await Promise.all([build.generateKeyPair({ bits: 1024 }), build.generateKeyPair({ bits: 1024 })]);
    expect(a.publicKey).not.toBe(b.publicKey);
  });

  it('refuses sizes outside 1024-16384 or not a multiple of 8', async () => {
    for (const bits of [512, 1023, 1028, 16392, 2048.5, Number.NaN]) {
      expect(await codeOf(build.generateKeyPair({ bits })), String(bits)).toBe('ERR_NOPS_KEY_SIZE');
    }
    expect(await codeOf(build.generateKeyPair({ bits: '2048' as never }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await codeOf(build.generateKeyPair(null as never))).toBe('ERR_INVALID_ARGUMENT');
  });
});
