import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builds, ms, text, type Build } from './helpers.js';

interface Case {
  id: string;
  description: string;
  flags: string[];
  input: Record<string, any>;
  expected: { result: 'valid'; output: Record<string, unknown> } | { result: 'invalid'; error: string };
}
const load = (name: string): { operation: string; cases: Case[] } =>
  JSON.parse(readFileSync(new URL(`../../../conformance/vectors/${name}.json`, import.meta.url), 'utf8'));

type Outcome = { output: Record<string, unknown> } | { error: string };

function verifierFor(build: Build, input: Record<string, any>) {
  let t = 0;
  const now = (): number => t;
  const { nonceStoreMaxEntries, ...options } = input.options ?? {};
  const nonceStore = new build.MemoryNonceStore(nonceStoreMaxEntries === undefined ? {} : { maxEntries: nonceStoreMaxEntries });
  const verifier = build.createVerifier({ keys: input.keys, now, nonceStore, ...options });
  return { verifier, at: (s: string) => void (t = ms(s)) };
}

/** The vectors straight into the public API: a loop of our own, independent of the conformance adapter. */
async function run(build: Build, operation: string, input: Record<string, any>): Promise<Outcome> {
  try {
    if (operation === 'sign') {
      const r = await build.sign(input.method, input.url, { id: input.keyId, secret: input.secret }, {
        date: ms(input.authdate),
        expires: input.expires,
        nonce: input.nonce === null ? false : input.nonce,
      });
      return { output: { target: r.target, stringToSign: r.stringToSign, signature: r.signature, url: r.url } };
    }
    if (operation === 'verify') {
      const { verifier, at } = verifierFor(build, input);
      at(input.now);
      const r = await verifier.verify(input.method, input.url);
      if (!r.ok) return { error: r.code };
      return {
        output: { keyId: r.keyId, authdate: text(r.authdate), expiresAt: text(r.expiresAt), nonce: r.nonce, target: r.target, query: r.query },
      };
    }
    if (operation === 'verify-sequence') {
      const { verifier, at } = verifierFor(build, input);
      const results: string[] = [];
      for (const req of input.requests) {
        at(req.now);
        const r = await verifier.verify(req.method, req.url);
        results.push(r.ok ? 'valid' : r.code);
      }
      return { output: { results } };
    }
  } catch (err) {
    return { error: (err as { code: string }).code };
  }
  throw new Error(`unknown operation ${operation}`);
}

const files = ['nog-sign', 'nog-verify', 'nog-replay'].map(load);

describe('vector counts', () => {
  it('has the counts the issue asks for, every verification code, and the two known values', () => {
    const [sign, verify, replay] = files as [ReturnType<typeof load>, ReturnType<typeof load>, ReturnType<typeof load>];
    expect(sign.cases.length).toBeGreaterThanOrEqual(40);
    expect(verify.cases.length).toBeGreaterThanOrEqual(80);
    const codes = new Set<string>();
    for (const c of verify.cases) if (c.expected.result === 'invalid') codes.add(c.expected.error);
    for (const c of replay.cases) for (const r of (c.expected as { output: { results: string[] } }).output.results) codes.add(r);
    for (const code of ['FIELD_MISSING', 'DATE_INVALID', 'SIG_EXPIRED', 'KEY_UNKNOWN', 'SIG_INVALID', 'EXPIRES_INVALID',
      'NONCE_INVALID', 'DATE_FUTURE', 'ALGORITHM_UNSUPPORTED', 'MALFORMED', 'NONCE_STORE']) {
      expect(codes).toContain(`ERR_AUTH_${code}`);
    }
    const signatures = sign.cases.map((c) => (c.expected as { output?: { signature: string } }).output?.signature);
    expect(signatures).toContain('fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d');
    expect(signatures).toContain('0a0c7321435da6dac5764f93a786f1c5f366af24b6b3a208f716e10af5a54698');
  });
});

for (const [name, build] of builds) {
  for (const file of files) {
    describe(`${file.operation} vectors (${name})`, () => {
      it.each(file.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
        const got = await run(build, file.operation, c.input);
        if (c.expected.result === 'valid') expect(got).toEqual({ output: c.expected.output });
        else if (c.expected.result === 'invalid') expect(got).toEqual({ error: c.expected.error });
        else throw new Error(`${c.id}: unknown result ${(c.expected as { result: string }).result}`);
      });
    });
  }
}
