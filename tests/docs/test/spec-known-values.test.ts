/**
 * docs/spec/nog-v1.md, "Known values": the key, authdate, expires and nonce its prose names, the signature of each
 * request in its table, and the string to sign it writes out, read from the page itself and held to Python's hmac
 * (an oracle written from the spec's steps 2-4, not reqsign's signer); and the sentence "These are nog-sign-001 and
 * nog-sign-002, and nog-verify-001 and -002 verify them" held to the vector files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonHmac } from '../../../packages/nog/test/helpers.js';
import { ROOT } from '../../../scripts/lib/workspace.js';

const spec = readFileSync(join(ROOT, 'docs', 'spec', 'nog-v1.md'), 'utf8');
const section = spec.slice(spec.indexOf('## Known values'), spec.indexOf('## Canonicalization shared with nOps'));

const named = (label: string): string => {
  const m = new RegExp(`${label}\\s+\`([^\`]+)\``).exec(section);
  if (m === null) throw new Error(`nog-v1.md, Known values: no ${label}`);
  return m[1]!;
};
const given = {
  keyId: named('key id'),
  secret: named('secret'),
  authdate: named('authdate'),
  expires: named('expires'),
  nonce: named('nonce'),
};
const rows = [...section.matchAll(/^\| `([A-Z]+) ([^`]+)` \| `([0-9a-f]{64})` \|$/gm)].map((m) => ({
  method: m[1]!,
  target: m[2]!,
  signature: m[3]!,
}));

/** nog-v1.md, Signing, steps 2-3: the auth parameters after ? or &, the method, the final newline. */
const stringToSign = (method: string, target: string): string =>
  `${method}\n${target}${target.includes('?') ? '&' : '?'}authalgorithm=nog-v1&authkeyid=${given.keyId}&authdate=${given.authdate}` +
  `&authexpires=${given.expires}&authnonce=${given.nonce}\n`;

describe('nog-v1.md, Known values', () => {
  it('reads the values and both rows from the page (the test cannot pass by finding none)', () => {
    expect(given).toEqual({
      keyId: '0123456789abcdef0123',
      secret: '0123456789abcdef0123456789abcdef01234567',
      authdate: '2015-04-20T123456Z',
      expires: '600',
      nonce: '0123456789',
    });
    expect(rows.map((r) => `${r.method} ${r.target}`)).toEqual(['GET /api/blobs/abc', 'POST /api/blobs/abc?x=1']);
  });

  it("each row's signature is Python hmac's over the string to sign the spec's steps make", () => {
    expect(pythonHmac(rows.map((r) => [given.secret, stringToSign(r.method, r.target)] as const))).toEqual(rows.map((r) => r.signature));
  });

  it("the string to sign it writes out is the first row's, with its final newline", () => {
    const block = /The first string to sign, with its final newline:\n\n```\n([^`]*)```/.exec(section);
    expect(block?.[1]).toBe(stringToSign(rows[0]!.method, rows[0]!.target));
  });

  it('the rows are nog-sign-001 and -002, and nog-verify-001 and -002 verify them', () => {
    type Case = { id: string; input: Record<string, unknown>; expected: { result: string; output?: { signature?: string } } };
    const cases = (name: string): Map<string, Case> =>
      new Map(
        (JSON.parse(readFileSync(join(ROOT, 'conformance', 'vectors', `${name}.json`), 'utf8')).cases as Case[]).map((c) => [c.id, c]),
      );
    const sign = cases('nog-sign');
    const verify = cases('nog-verify');
    rows.forEach((r, i) => {
      const n = String(i + 1).padStart(3, '0');
      const s = sign.get(`nog-sign-${n}`)!;
      expect(s.input).toMatchObject({ method: r.method, url: r.target, ...given, expires: Number(given.expires) });
      expect(s.expected.output?.signature).toBe(r.signature);
      const v = verify.get(`nog-verify-${n}`)!;
      expect(v.input).toMatchObject({ method: r.method, keys: { [given.keyId]: given.secret } });
      expect(String(v.input['url'])).toBe(`${stringToSign(r.method, r.target).split('\n')[1]}&authsignature=${r.signature}`);
      expect(v.expected.result).toBe('valid');
    });
  });
});
