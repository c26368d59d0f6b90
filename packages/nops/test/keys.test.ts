import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
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

/** A key pair of another algorithm, made by openssl: PKCS#8 private key and SPKI public key, as PEM. */
function opensslPair(algorithm: string[]): { privateKey: string; publicKey: string } {
  return withTempDir((dir) => {
    const file = join(dir, 'key.pem');
    execFileSync('openssl', ['genpkey', ...algorithm, '-out', file]);
    const privateKey = execFileSync('openssl', ['pkey', '-in', file], { encoding: 'utf8' });
    const publicKey = execFileSync('openssl', ['pkey', '-in', file, '-pubout'], { encoding: 'utf8' });
    return { privateKey, publicKey };
  });
}

describe('keys of another algorithm', () => {
  // The PEM labels are those of an RSA key's PKCS#8 / SPKI; only the AlgorithmIdentifier inside differs.
  const others = {
    'EC P-256': opensslPair(['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']),
    Ed25519: opensslPair(['-algorithm', 'ED25519']),
    'RSA-PSS': opensslPair(['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048']),
  };

  describe.each(builds)('(%s)', (_name, build) => {
    it.each(Object.entries(others))(
      'refuses a %s key as PEM, JWK and KeyObject, for signing and verifying: ERR_NOPS_KEY',
      async (alg, pair) => {
        const inputs: unknown[][] = [
          [pair.privateKey, pair.publicKey],
          [createPrivateKey(pair.privateKey), createPublicKey(pair.publicKey)],
        ];
        // An RSA-PSS key has no JWK form of its own (as a JWK it is an RSA key, which is fine to use).
        if (alg !== 'RSA-PSS') {
          inputs.push([
            createPrivateKey(pair.privateKey).export({ format: 'jwk' }),
            createPublicKey(pair.publicKey).export({ format: 'jwk' }),
          ]);
        }
        for (const [privateKey, publicKey] of inputs) {
          expect(await codeOf(build.sign('/p/', { apiKey: '1.a', privateKey: privateKey as never }))).toBe('ERR_NOPS_KEY');
          expect(await codeOf(build.verify({ message: '1.2022-01-10./p/?api_key=1.a' }, 'AAAA', publicKey as never))).toBe('ERR_NOPS_KEY');
        }
      },
    );
  });
});
