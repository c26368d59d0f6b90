import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVectors } from '@reqsign/conformance';
import { describe, expect, it } from 'vitest';
import { coverageGaps, entryProblems, generated } from '../../../scripts/lib/diagnoseChecks.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import * as nodeDiagnose from '../src/diagnose/node.js';
import * as webDiagnose from '../src/diagnose/index.js';
import { diagnoseWith } from '../src/diagnose/diagnoseWith.js';
import { nodeCrypto } from '../src/internal/crypto-node.js';
import { nodeDiagnosisCrypto } from '../src/internal/diagnosis/platform-node.js';
import { builds, DOC_KEY, pem } from './helpers.js';

/** `diagnose` of each build, from its @reqsign/nops/diagnose entry. */
const DIAGNOSE: Readonly<Record<string, typeof webDiagnose.diagnose>> = {
  'node:crypto': nodeDiagnose.diagnose,
  WebCrypto: webDiagnose.diagnose,
};

requirePrograms('openssl', 'tzdata', 'python3', 'cryptodome');

interface Case {
  readonly id: string;
  readonly description: string;
  readonly code: string;
  readonly holds: boolean;
  readonly input: {
    request: { url: string; apiKey: string; date: string | { instant: string }; apiKeyIn?: 'query' | 'header' };
    signature: string;
    publicKey: string;
    options: { otherKeys?: Record<string, string>; expectedUrl?: string; prefixes?: string[] };
  };
  readonly expected: { code: string | null; findings: string[]; signed?: string | null; detail?: Record<string, unknown> };
}

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const file = JSON.parse(readFileSync(join(FIXTURES, 'diagnose.json'), 'utf8')) as { cases: Case[] };

function inputs(c: Case) {
  const { date, ...request } = c.input.request;
  const options = {
    ...c.input.options,
    otherKeys: Object.fromEntries(
      Object.entries(c.input.options.otherKeys ?? {}).map(([name, key]) => [name, pem(key.replace(/\.pem$/, ''))]),
    ),
  };
  return {
    request: { ...request, date: typeof date === 'string' ? date : new Date(date.instant) },
    publicKey: pem(c.input.publicKey),
    options,
  };
}

describe('diagnose vectors', () => {
  it('are what fixtures/diagnose.mjs (signatures by openssl)', () => {
    expect(generated(process.execPath, join(FIXTURES, 'diagnose.mjs'))).toBe(readFileSync(join(FIXTURES, 'diagnose.json'), 'utf8'));
  });

  it('trigger every diagnosis code, and show each not claimed where it does not hold', () => {
    expect(coverageGaps(file.cases, Object.keys(nodeDiagnose.DIAGNOSES))).toEqual([]);
  });

  for (const [name, build] of builds) {
    describe(name, () => {
      for (const c of file.cases) {
        it(`${c.id} ${c.code} ${c.holds ? 'holds' : 'not claimed'}: ${c.description}`, async () => {
          const { request, publicKey, options } = inputs(c);
          const d = await DIAGNOSE[name]!(request, c.input.signature, publicKey, options);
          const codes = d.findings.map((f) => f.code);
          expect(d.code).toBe(c.expected.code);
          expect(codes).toEqual(c.expected.findings);
          if (c.holds) expect(codes).toContain(c.code);
          else expect(codes).not.toContain(c.code);
          if (c.expected.signed !== undefined) expect(d.findings[0]!.signed?.message ?? null).toBe(c.expected.signed);
          for (const [field, value] of Object.entries(c.expected.detail ?? {})) {
            expect((d.findings[0] as unknown as Record<string, unknown>)[field], field).toEqual(value);
          }
          const verified = await build.verify(request, c.input.signature, publicKey);
          expect(verified.ok ? null : verified.code).toBe(d.code);
        });
      }
    });
  }
});

describe('diagnose on the conformance vectors', () => {
  const cases = loadVectors().find((f) => f.scheme === 'nops' && f.operation === 'verify')!.cases;
  for (const [name, build] of builds) {
    it(`${name}: gives verify's code for every nops-verify vector, or throws where it throws`, async () => {
      for (const c of cases) {
        const i = c.input as Record<string, any>;
        const key = i['publicKeyPem'] ?? i['publicKeyJwk'];
        const date = i['date'];
        const input =
          i['message'] !== undefined
            ? { message: i['message'] }
            : {
                url: i['url'],
                apiKey: i['apiKey'],
                ...(i['apiKeyIn'] === undefined ? {} : { apiKeyIn: i['apiKeyIn'] }),
                ...(typeof date === 'object' && date !== null
                  ? {
                      date: date.day ?? new Date(Math.floor(date.epochMs!)),
                      ...(date.timeZone === undefined ? {} : { timeZone: date.timeZone }),
                    }
                  : { date }),
              };
        const verified = await build.verify(input as never, i['signature'], key).then(
          (r) => (r.ok ? null : r.code),
          (e: { code: string }) => `throws ${e.code}`,
        );
        const diagnosed = await DIAGNOSE[name]!(input as never, i['signature'], key).then(
          (d) => d.code,
          (e: { code: string }) => `throws ${e.code}`,
        );
        expect(diagnosed, c.id).toBe(verified);
      }
      expect(cases.length).toBeGreaterThan(40);
    });
  }
});

describe('diagnose', () => {
  for (const [name, build] of builds) {
    it(`${name}: shows the message, the digest in the signature beside the message's, and which key made it`, async () => {
      const message = `123.2022-01-10./nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`;
      const { signature } = await build.sign('https://app.nops.io/nops_api/v1/billingGetTotal/', {
        apiKey: DOC_KEY,
        privateKey: pem('rsa2048'),
        date: '2022-01-10',
      });
      const request = { url: `https://app.nops.io/nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
      const valid = await DIAGNOSE[name]!(request, signature, pem('rsa2048.pub'));
      const sha256 = execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: message }).toString().split(' ')[0];
      expect(valid).toMatchObject({ valid: true, code: null, findings: [] });
      expect(valid.server).toMatchObject({
        message,
        signature,
        messageDigest: sha256,
        signatureKey: 'this-key',
        signedHash: 'SHA-256',
        signedDigest: sha256,
      });
      expect(valid.request).toMatchObject({ clientId: '123', day: '2022-01-10', apiKeyIn: 'query', path: '/nops_api/v1/billingGetTotal/' });
      expect(valid.request.parameters).toEqual([{ name: 'api_key', value: DOC_KEY }]);
      expect(valid.stages.map((st) => [st.name, st.values.map((v) => v.who)])).toEqual([
        ['target', ['received']],
        ['message', ['received']],
        ['digest', ['message', 'signed']],
        ['signature', ['carried']],
        ['key', ['made by']],
      ]);
      expect(valid.stages[2]!.values[1]).toEqual({ who: 'signed', text: sha256, differsAt: -1 });
      const other = await DIAGNOSE[name]!(request, signature, pem('other2048.pub'));
      expect(other.server).toMatchObject({ signatureKey: 'other-key', signedDigest: null });
      const day = await DIAGNOSE[name]!({ ...request, date: '2022-01-11' }, signature, pem('rsa2048.pub'));
      expect(day.server?.signedDigest).toBe(sha256);
      expect(day.server?.messageDigest).not.toBe(sha256);
      // A JWK and a CryptoKey open the signature the same way; a non-extractable CryptoKey cannot tell.
      const subtle = globalThis.crypto.subtle;
      const spki = execFileSync('openssl', ['pkey', '-pubin', '-in', `${FIXTURES}keys/rsa2048.pub.pem`, '-outform', 'DER']);
      const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
      for (const [extractable, kind] of [
        [true, 'this-key'],
        [false, null],
      ] as const) {
        const key = await subtle.importKey('spki', spki, alg, extractable, ['verify']);
        const d = await DIAGNOSE[name]!({ ...request, date: '2022-01-11' }, signature, key);
        expect(d.server?.signatureKey, String(extractable)).toBe(kind);
        expect(d.findings.map((f) => f.code)).toEqual(['DIAG_TIME_ZONE']);
      }
      const exported = (await subtle.exportKey('jwk', await subtle.importKey('spki', spki, alg, true, ['verify']))) as Record<
        string,
        string
      >;
      const fromJwk = await DIAGNOSE[name]!(request, signature, { kty: 'RSA', n: exported['n']!, e: exported['e']! });
      expect(fromJwk.server?.signatureKey).toBe('this-key');
    });

    it(`${name}: resolves for what a request carries, throws where verify throws`, async () => {
      const bad = [
        { url: 'ftp://x/', apiKey: DOC_KEY, date: '2022-01-10' },
        { url: '/p/', apiKey: 'nodot', date: '2022-01-10' },
        { url: '/p/', apiKey: DOC_KEY, date: '2022-13-40' },
      ];
      for (const request of bad) {
        const d = await DIAGNOSE[name]!(request, 'AAAA', pem('rsa2048.pub'));
        expect(d.valid).toBe(false);
        expect(d.server).toBeNull();
        expect(d.findings).toEqual([]);
      }
      const notBase64 = await DIAGNOSE[name]!(
        { url: `/p/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' },
        'not base64!',
        pem('rsa2048.pub'),
      );
      expect(notBase64).toMatchObject({ code: 'ERR_NOPS_SIGNATURE_ENCODING', findings: [] });
      expect(notBase64.server?.signatureKey).toBeNull();
      const keyed = { url: `/p/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
      await expect(build.verify(keyed, 'AAAA', pem('rsa2048'))).rejects.toMatchObject({ code: 'ERR_NOPS_KEY' });
      await expect(DIAGNOSE[name]!(keyed, 'AAAA', pem('rsa2048'))).rejects.toMatchObject({ code: 'ERR_NOPS_KEY' });
      // Where verify answers before it reads the key, so does diagnose.
      await expect(DIAGNOSE[name]!({ ...keyed, url: '/p/' }, 'AAAA', pem('rsa2048'))).resolves.toMatchObject({
        code: 'ERR_NOPS_API_KEY_PARAM',
      });
      await expect(
        DIAGNOSE[name]!({ url: '/p/', apiKey: DOC_KEY, date: '2022-01-10' }, 'AAAA', pem('rsa2048.pub'), { origins: ['x'] }),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
      // A sparse array's holes are no strings either (every() skips them).
      for (const options of [{ origins: new Array(2) }, { prefixes: Object.assign(new Array(2), { 1: '/api' }) }]) {
        await expect(
          DIAGNOSE[name]!({ url: '/p/', apiKey: DOC_KEY, date: '2022-01-10' }, 'AAAA', pem('rsa2048.pub'), options as never),
        ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      }
      await expect(DIAGNOSE[name]!(null as never, 'AAAA', pem('rsa2048.pub'))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    });
  }
});

describe('the @reqsign/nops/diagnose entry', () => {
  it('exports DIAGNOSES and diagnose on both crypto paths, mapped by the node condition; the main entry none of it', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
    expect(entryProblems(nodeDiagnose, webDiagnose, await import('../src/index.js'), manifest)).toEqual([]);
  });
});

describe('diagnose: the work budget', () => {
  /** node:crypto with every RSA operation and every SHA-256 counted. */
  function counted() {
    const count = { verify: 0, open: 0, sha256: 0, bytes: 0 };
    const crypto = {
      key: nodeCrypto.key,
      decodeSignature: nodeCrypto.decodeSignature,
      verify: (k: unknown, m: string, s: Uint8Array) => {
        count.verify++;
        return nodeCrypto.verify(k, m, s);
      },
    };
    const platform = {
      ...nodeDiagnosisCrypto,
      sha256: (b: Uint8Array) => {
        count.sha256++;
        count.bytes += b.length;
        return nodeDiagnosisCrypto.sha256(b);
      },
      open: (k: unknown, s: Uint8Array) => {
        count.open++;
        return nodeDiagnosisCrypto.open!(k, s);
      },
    };
    return { count, diagnose: diagnoseWith(crypto, platform) };
  }

  it('an 8 KiB URL (the longest nOps takes) under a 16,384-bit key, with signatures in every encoding, PSS and another key: within the budget', async () => {
    const url = `https://app.nops.io/nops_api/v1/${'x/'.repeat(3050)}?${'a=1&'.repeat(500)}api_key=${DOC_KEY}`;
    const message = `123.2022-01-10.${url.slice('https://app.nops.io'.length)}`;
    const request = { url, apiKey: DOC_KEY, date: '2022-01-10' };
    const raw = execFileSync('openssl', ['dgst', '-sha256', '-sign', `${FIXTURES}keys/rsa16384.pem`], { input: `${message}x` });
    const pss = execFileSync('openssl', ['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sign', `${FIXTURES}keys/rsa16384.pem`], {
      input: `${message}x`,
    });
    const other = execFileSync('openssl', ['dgst', '-sha256', '-sign', `${FIXTURES}keys/other2048.pem`], { input: `${message}x` });
    for (const signature of [
      raw.toString('base64'),
      raw.toString('hex'),
      raw.toString('base64url'),
      `${raw.toString('base64')}\n`,
      pss.toString('base64'),
      other.toString('base64'),
    ]) {
      const { count, diagnose } = counted();
      const d = await diagnose(request, signature, pem('rsa16384.pub'), { otherKeys: { a: pem('other2048.pub'), b: pem('rsa2048.pub') } });
      expect(d.findings).toEqual([]);
      // The verification as received (one RSA verify), at most 4 openings, no RSA verify per hypothesis.
      expect(count.verify).toBeLessThanOrEqual(1);
      expect(count.open).toBeLessThanOrEqual(4);
      expect(d.unexplained!.digests).toBeLessThanOrEqual(64);
      // 64 messages and their PSS checks, the MGF1 of each PSS block, each no longer than the message and 64 bytes.
      expect(count.bytes).toBeLessThanOrEqual(2 * 64 * (message.length + 64) + 4 * 2048 * 2);
    }
  }, 120_000);
});
