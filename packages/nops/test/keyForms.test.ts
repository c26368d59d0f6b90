/**
 * Keys as Node reads them (issue 30): a PEM file's bytes (`readFileSync(path)`), a JWK file's text, and an encrypted PEM
 * refused with what to do. The keys are made by openssl at test time, and openssl's own signature is the oracle
 * (RSA PKCS#1 v1.5 is deterministic: the same key and message give the same signature).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DOC_KEY, builds } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'reqsign-keyforms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]): Buffer => execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
const file = (name: string): string => join(dir, name);

// PKCS#8 (genpkey's default), PKCS#1 (-traditional), the public key, and two encrypted forms.
openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', file('k.pem'));
openssl('pkey', '-in', file('k.pem'), '-traditional', '-out', file('k1.pem'));
openssl('pkey', '-in', file('k.pem'), '-pubout', '-out', file('pub.pem'));
openssl('pkey', '-in', file('k.pem'), '-aes256', '-passout', 'pass:secret', '-out', file('enc8.pem'));
openssl('rsa', '-in', file('k.pem'), '-traditional', '-aes256', '-passout', 'pass:secret', '-out', file('enc1.pem'));

const options = { apiKey: DOC_KEY, date: '2022-01-10' };

/** openssl's signature of a message with k.pem, base64. */
function opensslSignature(message: string): string {
  writeFileSync(file('msg'), message);
  return openssl('dgst', '-sha256', '-sign', file('k.pem'), file('msg')).toString('base64');
}

describe.each(builds)('key forms (%s)', (_name, build) => {
  it("signs with a PEM file's bytes (PKCS#8 and PKCS#1) as openssl does", async () => {
    for (const name of ['k.pem', 'k1.pem']) {
      const bytes = readFileSync(file(name));
      const signed = await build.sign('/p/', { ...options, privateKey: bytes });
      expect(signed.headers['x-nops-signature']).toBe(opensslSignature(signed.message));
      // A Uint8Array that is no Buffer is read the same.
      const plain = new Uint8Array(bytes);
      expect((await build.sign('/p/', { ...options, privateKey: plain })).headers).toEqual(signed.headers);
    }
  });

  it("signs with a JWK file's text, and verifies with the public key's bytes and JWK text", async () => {
    const jwk = JSON.stringify(createPrivateKey(readFileSync(file('k.pem'))).export({ format: 'jwk' }));
    const signed = await build.sign('/p/', { ...options, privateKey: `\n  ${jwk}\n` });
    expect(signed.headers['x-nops-signature']).toBe(opensslSignature(signed.message));
    const signature = signed.headers['x-nops-signature']!;
    const publicJwk = JSON.stringify(createPublicKey(readFileSync(file('pub.pem'))).export({ format: 'jwk' }));
    for (const publicKey of [readFileSync(file('pub.pem')), publicJwk]) {
      const r = await build.verify({ url: signed.url, apiKey: DOC_KEY, date: '2022-01-10' }, signature, publicKey);
      expect(r.ok, String(publicKey).slice(0, 30)).toBe(true);
    }
  });

  // docs/spec/nops.md, "A JWK": "Other members (use, key_ops, kid, ext) are ignored", even those WebCrypto's own JWK
  // import would refuse for this use (key_ops without sign or verify, ext false with an extractable import).
  it("ignores a JWK's other members (use, key_ops, kid, ext), for signing and verifying", async () => {
    const privateJwk = createPrivateKey(readFileSync(file('k.pem'))).export({ format: 'jwk' });
    const publicJwk = createPublicKey(readFileSync(file('pub.pem'))).export({ format: 'jwk' });
    for (const extra of [{ use: 'enc' }, { key_ops: ['encrypt'] }, { key_ops: 'sign' }, { kid: 'k1' }, { ext: false }, { ext: 'yes' }]) {
      const signed = await build.sign('/p/', { ...options, privateKey: { ...privateJwk, ...extra } as never });
      expect(signed.signature, JSON.stringify(extra)).toBe(opensslSignature(signed.message));
      const r = await build.verify({ message: signed.message }, signed.signature, { ...publicJwk, ...extra } as never);
      expect(r.ok, JSON.stringify(extra)).toBe(true);
    }
  });

  it('refuses an encrypted PEM (PKCS#8 and the traditional Proc-Type form) saying what to do, as text or bytes', async () => {
    for (const name of ['enc8.pem', 'enc1.pem']) {
      for (const privateKey of [readFileSync(file(name)), readFileSync(file(name), 'utf8')]) {
        await expect(build.sign('/p/', { ...options, privateKey })).rejects.toMatchObject({
          code: 'ERR_NOPS_KEY',
          message: expect.stringContaining('openssl pkey -in key.pem -out plain.pem'),
        });
      }
    }
  });

  it('refuses JSON that is no JWK object, and bytes that are no PEM, with a typed error', async () => {
    for (const privateKey of ['{ "kty": ', '{}', ' {"kty":"RSA"}', new TextEncoder().encode('not a key'), new Uint8Array([0xff, 0xfe])]) {
      await expect(build.sign('/p/', { ...options, privateKey } as never)).rejects.toMatchObject({ name: 'NopsError' });
    }
  });

  it('any corruption of the bytes of a PEM key signs or is a typed error, never a crash (property)', async () => {
    const bytes = readFileSync(file('k.pem'));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), async (at, value) => {
        const corrupt = Uint8Array.from(bytes);
        corrupt[at] = value;
        // A changed private part can still make a key (whose parts do not belong together: the README says that is
        // not checked), so a signature is an answer too.
        const outcome = await build.sign('/p/', { ...options, privateKey: corrupt }).then(
          (signed) => typeof signed.headers['x-nops-signature'],
          (err: Error) => err.name,
        );
        expect(['string', 'NopsError']).toContain(outcome);
      }),
      { numRuns: 200 },
    );
  });
});
