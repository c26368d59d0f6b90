/**
 * The PEM rule of docs/spec/nops.md ("Keys"), written here a second time as a small scanner (no regular expression),
 * and compared with what both builds do with a real key's PEM whose surroundings and inside are edited with
 * characters drawn from all of UTF-16 (and with the ones that JavaScript's, Python's or Unicode's idea of whitespace
 * disagree on). The same texts go to the Python reference port through the conformance line protocol, one process.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOC_KEY, builds, codeOf, pem } from './helpers.js';

const AROUND = ' \t\r\n';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

/**
 * The rule: one optional U+FEFF first; then only space, tab, CR, LF around the block; the block is the BEGIN line,
 * one or more non-empty lines of base64 characters, the END line of the same label, each line ended by LF or CRLF
 * (the END line may end the text). Returns the base64 joined, or null when the text breaks the rule.
 */
function ruleBody(text: string, label: string): string | null {
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length && AROUND.includes(text[i]!)) i++;
  let j = text.length;
  while (j > i && AROUND.includes(text[j - 1]!)) j--;
  const lines = text.slice(i, j).split('\n');
  const unCr = lines.map((line, k) => (k < lines.length - 1 && line.endsWith('\r') ? line.slice(0, -1) : line));
  if (unCr.length < 3 || unCr[0] !== `-----BEGIN ${label}-----` || unCr.at(-1) !== `-----END ${label}-----`) return null;
  const body = unCr.slice(1, -1);
  if (body.some((line) => line.length === 0 || [...line].some((c) => !BASE64.includes(c)))) return null;
  return body.join('');
}

const ORIGINAL = pem('rsa1024');
const LABEL = 'PRIVATE KEY';
const BODY = ruleBody(ORIGINAL, LABEL)!;
/**
 * What the rule says of an edited key: refused (`ERR_NOPS_KEY`), accepted (`no error`: the rule holds and the base64
 * is the key's), or `other base64` (the rule holds around other base64: whether that is a key is the DER's matter,
 * not the text's; a character changed for another can still make a key).
 */
function verdict(text: string): string {
  const body = ruleBody(text, LABEL);
  return body === null ? 'ERR_NOPS_KEY' : body === BODY ? 'no error' : 'other base64';
}
const agrees = (got: string | undefined, text: string): boolean => {
  const want = verdict(text);
  return want === 'other base64' ? got === 'no error' || got === 'ERR_NOPS_KEY' : got === want;
};
const accepted = (text: string): boolean => verdict(text) === 'no error';

// Where edits land: anywhere, and at every line start and end of the key (before the BEGIN line, after END, ...).
const boundaries = [0, ORIGINAL.length, ...[...ORIGINAL].flatMap((c, i) => (c === '\n' ? [i, i + 1] : []))];
const SPECIAL = [
  ' ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\uFEFF',
  '\u00a0',
  '\v',
  '\f',
  '\u0085',
  '\u001c',
  '\u001f',
  '\u2028',
  '\u3000',
  '\ud800',
  'A',
  '=',
  '-',
];
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.array(fc.constantFrom(...SPECIAL), { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
);
const edit = fc.record({
  at: fc.oneof(fc.nat({ max: ORIGINAL.length }), fc.constantFrom(...boundaries)),
  remove: fc.constantFrom(0, 0, 1),
  insert: piece,
});
/** A PEM text with 1 to 3 edits (each removes 0 or 1 character at a position and inserts a piece there). */
const edited = fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
  let text = ORIGINAL;
  for (const { at, remove, insert } of edits) {
    const p = Math.min(at, text.length);
    text = text.slice(0, p) + insert + text.slice(p + remove);
  }
  return text;
});
// Texts that the rule accepts are rare among random edits: also the key with only allowed changes around and inside.
const allowedAround = fc.tuple(
  fc.boolean(),
  fc.array(fc.constantFrom(' ', '\t', '\r', '\n'), { maxLength: 4 }),
  fc.array(fc.constantFrom(' ', '\t', '\r', '\n'), { maxLength: 4 }),
  fc.boolean(),
  fc.boolean(),
);
const friendly = allowedAround.map(
  ([bom, before, after, crlf, noFinal]) =>
    (bom ? '\uFEFF' : '') +
    before.join('') +
    (noFinal ? ORIGINAL.slice(0, -1) : ORIGINAL).replace(/\n/g, crlf ? '\r\n' : '\n') +
    after.join(''),
);
/** A text with every character outside printable ASCII as an escape, so a failure shows what is there. */
const show = (text: string): string => text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const texts = fc.oneof({ weight: 3, arbitrary: edited }, { weight: 1, arbitrary: friendly });

describe.each(builds)('the PEM rule (%s)', (_name, build) => {
  it('accepts exactly the texts the rule written in this test accepts, as text and as UTF-8 bytes (property)', async () => {
    let accepts = 0;
    await fc.assert(
      fc.asyncProperty(texts, fc.boolean(), async (text, asBytes) => {
        const privateKey = asBytes ? new TextEncoder().encode(text) : text;
        const code = await codeOf(build.sign('/p/', { apiKey: DOC_KEY, privateKey, date: '2022-01-10' }));
        // As bytes, a lone surrogate becomes U+FFFD: neither is allowed anywhere, so the verdict is the text's.
        expect(agrees(code, text), `${asBytes ? 'bytes' : 'text'} ${show(text)}: ${code}, the rule: ${verdict(text)}`).toBe(true);
        if (code === 'no error') accepts++;
      }),
      { numRuns: 600 },
    );
    expect(accepts).toBeGreaterThan(50);
  });
});

describe('the PEM rule in the Python reference port', () => {
  it('gives the same verdicts on the same texts, through the line protocol (property)', () => {
    const samples = fc.sample(texts, { numRuns: 400, seed: 20220110 });
    const requests = samples.map((privateKeyPem, i) => ({
      type: 'request',
      id: `pem-${i}`,
      scheme: 'nops',
      operation: 'sign',
      input: { url: '/p/', apiKey: DOC_KEY, date: '2022-01-10', privateKeyPem },
    }));
    const port = new URL('../../../conformance/ports/python/reqsign_port.py', import.meta.url).pathname;
    const run = spawnSync('python3', [port], {
      input: `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const answers = run.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { type: string; id?: string; output?: unknown; error?: { code: string } })
      .filter((a) => a.type === 'response');
    expect(answers).toHaveLength(samples.length);
    const wrong = answers.flatMap((a, i) => {
      const got = a.output !== undefined ? 'no error' : a.error?.code;
      return agrees(got, samples[i]!) ? [] : [[got, verdict(samples[i]!), show(samples[i]!)]];
    });
    expect(wrong).toEqual([]);
    expect(samples.filter(accepted).length).toBeGreaterThan(50);
  });
});

describe.each(builds)('JWK text and bytes (%s)', (_name, build) => {
  const jwk = JSON.stringify(createPrivateKey(pem('rsa1024')).export({ format: 'jwk' }));
  const sign = (privateKey: unknown) => codeOf(build.sign('/p/', { apiKey: DOC_KEY, privateKey: privateKey as never, date: '2022-01-10' }));

  it("reads a JWK's JSON text after a byte-order mark and JSON's whitespace, as text and as bytes, and no other", async () => {
    for (const text of [jwk, `\uFEFF${jwk}`, `\uFEFF \t\r\n${jwk}\n`]) {
      expect(await sign(text), text.slice(0, 8)).toBe('no error');
      expect(await sign(new TextEncoder().encode(text)), text.slice(0, 8)).toBe('no error');
    }
    for (const text of [`\uFEFF\uFEFF${jwk}`, `\u00a0${jwk}`, `\u2028${jwk}`, ` \uFEFF${jwk}`]) {
      expect(await sign(text), text.slice(0, 8)).toBe('ERR_NOPS_KEY');
      expect(await sign(new TextEncoder().encode(text)), text.slice(0, 8)).toBe('ERR_NOPS_KEY');
    }
  });
});
