/**
 * Keys as users have them: files that `openssl genpkey` / `openssl rsa` / `openssl pkey` write at test time (PKCS#8,
 * PKCS#1, SPKI, PKCS#1 public, encrypted both ways), read as text or as the Buffer `readFileSync` returns, and JWKs
 * as objects or JSON text. The oracle is openssl: PKCS#1 v1.5 is deterministic, so every form of the key must make
 * the very signature `openssl dgst -sha256 -sign` makes. Corruptions of the files (fast-check) get a typed error.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ReqsignError } from '@reqsign/canonical';
import { DOC_KEY, builds } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

const dir = mkdtempSync(join(tmpdir(), 'reqsign-nops-keyforms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
// The files a user makes, as the nOps and OpenSSL documentation make them (1024 bits: quick, and accepted).
openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'pkcs8.pem');
openssl('rsa', '-in', 'pkcs8.pem', '-traditional', '-out', 'pkcs1.pem');
openssl('pkey', '-in', 'pkcs8.pem', '-pubout', '-out', 'spki.pem');
openssl('rsa', '-in', 'pkcs8.pem', '-RSAPublicKey_out', '-out', 'pkcs1.pub.pem');
openssl('pkey', '-in', 'pkcs8.pem', '-aes256', '-passout', 'pass:secret', '-out', 'encrypted8.pem');
openssl('rsa', '-in', 'pkcs8.pem', '-traditional', '-aes256', '-passout', 'pass:secret', '-out', 'encrypted1.pem');
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.pem');
openssl('req', '-new', '-x509', '-key', 'pkcs8.pem', '-subj', '/CN=t', '-days', '1', '-out', 'cert.pem');
const file = (name: string): Buffer => readFileSync(join(dir, name));
const text = (name: string): string => readFileSync(join(dir, name), 'utf8');

const options = { apiKey: DOC_KEY, date: '2022-01-10' };
const MESSAGE = `123.2022-01-10./p/?api_key=${DOC_KEY}`;
writeFileSync(join(dir, 'message'), MESSAGE);
/** What openssl signs: the one right signature for every form of the key. */
const EXPECTED = openssl('dgst', '-sha256', '-sign', 'pkcs8.pem', 'message').toString('base64');

const privateJwk = createPrivateKey(text('pkcs8.pem')).export({ format: 'jwk' });
const publicJwk = createPublicKey(text('spki.pem')).export({ format: 'jwk' });

const PRIVATE_FORMS: Record<string, unknown> = {
  'PKCS#8 text': text('pkcs8.pem'),
  'PKCS#8 Buffer (readFileSync)': file('pkcs8.pem'),
  'PKCS#8 Uint8Array': new Uint8Array(file('pkcs8.pem')),
  'PKCS#1 text': text('pkcs1.pem'),
  'PKCS#1 Buffer': file('pkcs1.pem'),
  'JWK object': privateJwk,
  'JWK JSON text': JSON.stringify(privateJwk),
  'JWK JSON text, pretty, with a BOM-free newline': `\n${JSON.stringify(privateJwk, null, 2)}\n`,
  'KeyObject from the encrypted file and its passphrase': createPrivateKey({ key: file('encrypted8.pem'), passphrase: 'secret' }),
};
const PUBLIC_FORMS: Record<string, unknown> = {
  'SPKI text': text('spki.pem'),
  'SPKI Buffer (readFileSync)': file('spki.pem'),
  'PKCS#1 public text': text('pkcs1.pub.pem'),
  'PKCS#1 public Buffer': file('pkcs1.pub.pem'),
  'JWK object': publicJwk,
  'JWK JSON text': JSON.stringify(publicJwk),
};

/** A refusal's code and message (or the outcome of a call that did not throw). */
async function refusal(call: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call();
  } catch (err) {
    expect(err).toBeInstanceOf(ReqsignError);
    return { code: (err as ReqsignError).code, message: (err as Error).message };
  }
  return { code: 'no error', message: '' };
}

describe.each(builds)('key forms (%s)', (_name, build) => {
  it.each(Object.entries(PRIVATE_FORMS))('signs with a private key as %s: the signature openssl makes', async (_form, key) => {
    const signed = await build.sign('/p/', { ...options, privateKey: key as never });
    expect(signed.signature).toBe(EXPECTED);
  });

  it.each(Object.entries(PUBLIC_FORMS))('verifies with a public key as %s', async (_form, key) => {
    expect(await build.verify({ message: MESSAGE }, EXPECTED, key as never)).toEqual({ ok: true, signedMessage: MESSAGE });
  });

  it('refuses an encrypted PEM (PKCS#8 and legacy Proc-Type), as text or bytes, saying how to decrypt it', async () => {
    for (const name of ['encrypted8.pem', 'encrypted1.pem']) {
      expect(text(name)).toMatch(name === 'encrypted8.pem' ? /BEGIN ENCRYPTED PRIVATE KEY/ : /Proc-Type: 4,ENCRYPTED/);
      for (const key of [text(name), file(name)]) {
        const r = await refusal(() => build.sign('/p/', { ...options, privateKey: key }));
        expect(r.code).toBe('ERR_NOPS_KEY');
        expect(r.message).toContain('openssl pkey -in k.pem -out k-plain.pem');
        expect(r.message).toContain('KeyObject');
      }
    }
  });

  it('says what to do in each refusal of a key', async () => {
    const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
      ['a public key to sign', () => build.sign('/p/', { ...options, privateKey: text('spki.pem') }), /signing needs the private key/],
      ['a private key to verify', () => build.verify({ message: MESSAGE }, EXPECTED, text('pkcs8.pem')), /openssl pkey -in k\.pem -pubout/],
      [
        'an EC key',
        () => build.sign('/p/', { ...options, privateKey: text('ec.pem') }),
        /openssl genpkey -algorithm RSA|openssl pkey -in k\.pem -noout -text/,
      ],
      ['a certificate', () => build.verify({ message: MESSAGE }, EXPECTED, text('cert.pem')), /openssl x509 -in cert\.pem -pubkey/],
      [
        'text around the block',
        () => build.sign('/p/', { ...options, privateKey: `Bag Attributes\n${text('pkcs8.pem')}` }),
        /pass the key file's text as it is/,
      ],
      [
        'DER bytes',
        () => build.sign('/p/', { ...options, privateKey: openssl('pkey', '-in', 'pkcs8.pem', '-outform', 'DER') }),
        /format: 'der'/,
      ],
      ['broken JSON', () => build.sign('/p/', { ...options, privateKey: '{"kty": "RSA",' }), /not valid JSON/],
      ['JSON that is no JWK', () => build.sign('/p/', { ...options, privateKey: '{}' }), /kty must be "RSA"/],
      [
        'a public JWK to sign',
        () => build.sign('/p/', { ...options, privateKey: JSON.stringify(publicJwk) }),
        /export the whole private key/,
      ],
      ['a private JWK to verify', () => build.verify({ message: MESSAGE }, EXPECTED, JSON.stringify(privateJwk)), /pass only kty, n and e/],
    ];
    for (const [what, call, hint] of cases) {
      const r = await refusal(call);
      expect(r.code, what).toBe('ERR_NOPS_KEY');
      expect(r.message, what).toMatch(hint);
    }
  });
});

describe('corrupted key files', () => {
  /** The file as bytes with a few of them changed, cut, or added (what a bad copy or an editor does). */
  const corrupted = (bytes: Buffer) =>
    fc
      .array(fc.tuple(fc.constantFrom('flip', 'cut', 'insert', 'truncate'), fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 3,
      })
      .map((edits) => {
        let b = Buffer.from(bytes);
        for (const [kind, at, v] of edits) {
          const i = at % Math.max(1, b.length);
          if (kind === 'flip') b[i] = (b[i]! ^ (v || 1)) & 0xff;
          else if (kind === 'cut') b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
          else if (kind === 'insert') b = Buffer.concat([b.subarray(0, i), Buffer.of(v), b.subarray(i)]);
          else b = b.subarray(0, i);
        }
        return b;
      });
  const outcome = (p: Promise<{ signature?: string; ok?: boolean }>) =>
    p.then(
      (r) => (r.signature !== undefined ? (r.signature === EXPECTED ? 'same' : 'other') : r.ok ? 'ok' : 'fail'),
      (err: unknown) => {
        // Never a crash: a typed error of the package, with a stable code.
        expect(err).toBeInstanceOf(ReqsignError);
        return (err as ReqsignError).code;
      },
    );
  const [nodeBuild, webBuild] = [builds[0]![1], builds[1]![1]];

  it('sign: a typed error or a signature, never a crash, for bytes, text and JSON alike; both builds agree', async () => {
    const inputs = fc.oneof(
      corrupted(file('pkcs8.pem')),
      corrupted(file('pkcs1.pem')).map((b) => b.toString('latin1')),
      corrupted(Buffer.from(JSON.stringify(privateJwk))).map((b) => b.toString('latin1')),
    );
    const differ: string[] = [];
    for (const key of fc.sample(inputs, { numRuns: 300, seed: 30 })) {
      const [a, b] = await Promise.all([
        outcome(nodeBuild.sign('/p/', { ...options, privateKey: key as never })),
        outcome(webBuild.sign('/p/', { ...options, privateKey: key as never })),
      ]);
      if (a !== b && differ.length < 5) differ.push(`${JSON.stringify(String(key).slice(0, 80))}: node ${a}, webcrypto ${b}`);
    }
    expect(differ).toEqual([]);
  });

  it('verify: a typed error or a result, never a crash; both builds agree', async () => {
    const inputs = fc.oneof(
      corrupted(file('spki.pem')),
      corrupted(file('pkcs1.pub.pem')).map((b) => b.toString('latin1')),
    );
    const differ: string[] = [];
    for (const key of fc.sample(inputs, { numRuns: 300, seed: 31 })) {
      const [a, b] = await Promise.all([
        outcome(nodeBuild.verify({ message: MESSAGE }, EXPECTED, key as never)),
        outcome(webBuild.verify({ message: MESSAGE }, EXPECTED, key as never)),
      ]);
      if (a !== b && differ.length < 5) differ.push(`${JSON.stringify(String(key).slice(0, 80))}: node ${a}, webcrypto ${b}`);
    }
    expect(differ).toEqual([]);
  });
});
