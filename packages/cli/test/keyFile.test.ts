import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign } from '@reqsign/nops';
import { readKeyFile } from '../src/internal/files.js';

/**
 * The CLI reads a key file by the rule @reqsign/nops applies to key text (docs/spec/nops.md, "Keys"): a byte-order
 * mark, then space, tab, CR and LF before the key; anything else before it is no key. Each file is also given to the
 * library as text, which must agree (read by the CLI exactly when the library signs with it).
 */
const dir = mkdtempSync(join(tmpdir(), 'reqsign-keyfile-'));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const jwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
const API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function librarySigns(text: string): Promise<boolean> {
  return sign('/p/', { apiKey: API_KEY, privateKey: text, date: '2022-01-10' }).then(
    () => true,
    () => false,
  );
}

describe('readKeyFile', () => {
  const cases: Array<[string, string, 'pem' | 'jwk' | 'refused']> = [
    ['a PEM as openssl writes it', pem, 'pem'],
    ['a PEM after a byte-order mark, spaces and newlines', `\uFEFF \n\t${pem}`, 'pem'],
    ["a JWK's JSON text", jwk, 'jwk'],
    ["a JWK's JSON text after a byte-order mark and a newline", `\uFEFF\n${jwk}\n`, 'jwk'],
    ['a JWK after a no-break space (JavaScript trims it; the library refuses it)', `\u00a0${jwk}`, 'refused'],
    ['a PEM after a no-break space', `\u00a0${pem}`, 'refused'],
    ['a PEM after a form feed', `\f${pem}`, 'refused'],
  ];
  it.each(cases)('%s', async (_name, text, kind) => {
    const path = file(`k${cases.findIndex((c) => c[1] === text)}`, text);
    if (kind === 'refused') {
      expect(() => readKeyFile(path, 'private key')).toThrow(/not a PEM key or a JSON Web Key/);
      expect(await librarySigns(text)).toBe(false);
      return;
    }
    const read = readKeyFile(path, 'private key');
    if (kind === 'jwk') expect(read).toEqual(JSON.parse(jwk));
    else expect(read).toBe(readFileSync(path, 'utf8'));
    expect(await librarySigns(text)).toBe(true);
  });
});
