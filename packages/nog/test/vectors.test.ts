import { judge, loadVectors, respond } from '@reqsign/conformance';
import { describe, expect, it } from 'vitest';
import { builds, ms, text, type Build } from './helpers.js';

function verifierFor(build: Build, input: Record<string, any>) {
  let t = 0;
  const now = (): number => t;
  const { nonceStoreMaxEntries, ...options } = input.options ?? {};
  const nonceStore = new build.MemoryNonceStore(nonceStoreMaxEntries === undefined ? {} : { maxEntries: nonceStoreMaxEntries });
  const verifier = build.createVerifier({ keys: input.keys, now, nonceStore, ...options });
  return {
    verifier,
    at: (s: string) => {
      t = ms(s);
    },
  };
}

/** A verification failure as a typed error, for `respond` to turn into the error a port answers. */
const failed = (code: string): Error => Object.assign(new Error(code), { code });

/** The vectors straight into the public API: a mapping of our own, independent of the conformance adapter. */
async function run(build: Build, operation: string, input: Record<string, any>): Promise<Record<string, unknown>> {
  if (operation === 'sign') {
    const r = await build.sign(
      input.method,
      input.url,
      { id: input.keyId, secret: input.secret },
      {
        date: ms(input.authdate),
        expires: input.expires,
        nonce: input.nonce === null ? false : input.nonce,
        ...(input.maxUrlLength === undefined ? {} : { maxUrlLength: input.maxUrlLength }),
      },
    );
    return { target: r.target, stringToSign: r.stringToSign, signature: r.signature, url: r.url };
  }
  if (operation === 'verify') {
    const { verifier, at } = verifierFor(build, input);
    at(input.now);
    const r = await verifier.verify(input.method, input.url);
    if (!r.ok) throw failed(r.code);
    return { keyId: r.keyId, authdate: text(r.authdate), expiresAt: text(r.expiresAt), nonce: r.nonce, target: r.target, query: r.query };
  }
  if (operation === 'verify-sequence') {
    const { verifier, at } = verifierFor(build, input);
    const results: string[] = [];
    for (const req of input.requests) {
      at(req.now);
      const r = await verifier.verify(req.method, req.url);
      results.push(r.ok ? 'valid' : r.code);
    }
    return { results };
  }
  throw new Error(`unknown operation ${operation}`);
}

const files = loadVectors().filter((f) => f.scheme === 'nog-v1');

describe('vector counts', () => {
  it('has every verification code and the two known values', () => {
    const [replay, sign, verify] = files;
    expect(files.map((f) => f.name)).toEqual(['nog-replay', 'nog-sign', 'nog-verify']);
    const codes = new Set<string>();
    for (const c of verify!.cases) if (c.expected.result === 'invalid') codes.add(c.expected.error);
    for (const c of replay!.cases) for (const r of (c.expected as { output: { results: string[] } }).output.results) codes.add(r);
    for (const code of [
      'FIELD_MISSING',
      'DATE_INVALID',
      'SIG_EXPIRED',
      'KEY_UNKNOWN',
      'SIG_INVALID',
      'EXPIRES_INVALID',
      'NONCE_INVALID',
      'DATE_FUTURE',
      'ALGORITHM_UNSUPPORTED',
      'MALFORMED',
      'NONCE_STORE',
    ]) {
      expect(codes).toContain(`ERR_AUTH_${code}`);
    }
    const signatures = sign!.cases.map((c) => (c.expected as { output?: { signature: string } }).output?.signature);
    expect(signatures).toContain('fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d');
    expect(signatures).toContain('0a0c7321435da6dac5764f93a786f1c5f366af24b6b3a208f716e10af5a54698');
  });
});

for (const [name, build] of builds) {
  for (const file of files) {
    describe(`${file.name} vectors (${name})`, () => {
      it.each(file.cases.map((c) => [`${c.id}: ${c.description}`, c] as const))('%s', async (_name, c) => {
        expect(judge(c.expected, await respond(c.id, () => run(build, file.operation, c.input)))).toEqual({ pass: true });
      });
    });
  }
}
