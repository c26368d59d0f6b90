import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nodeBuild from '../src/node.js';
import * as webBuild from '../src/index.js';

export type Build = typeof webBuild;

/** Both builds, so that every test runs on node:crypto and on WebCrypto. */
export const builds: ReadonlyArray<readonly [string, Build]> = [
  ['node:crypto', nodeBuild],
  ['WebCrypto', webBuild],
];

const keysDir = new URL('./fixtures/keys/', import.meta.url);
export const keyPath = (name: string): string => new URL(`${name}.pem`, keysDir).pathname;
export const pem = (name: string): string => readFileSync(keyPath(name), 'utf8');

export const DOC_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
export const DOC_MESSAGE = `123.2022-01-10./nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`;

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-nops-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl dgst -sha256 -sign` over bytes: the independent signer. */
export function opensslSign(keyFile: string, message: Uint8Array): string {
  return execFileSync('openssl', ['dgst', '-sha256', '-sign', keyFile], { input: message }).toString('base64');
}

/** `openssl dgst -sha256 -verify`: true for "Verified OK", false for "Verification failure". */
export function opensslVerify(publicKeyFile: string, message: Uint8Array, signatureB64: string): boolean {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'msg'), message);
    writeFileSync(join(dir, 'sig'), Buffer.from(signatureB64, 'base64'));
    const r = spawnSync('openssl', ['dgst', '-sha256', '-verify', publicKeyFile, '-signature', join(dir, 'sig'), join(dir, 'msg')], {
      encoding: 'utf8',
    });
    if (r.stdout.trim() === 'Verified OK') return true;
    if (r.stdout.trim() === 'Verification failure') return false;
    throw new Error(`openssl dgst -verify: unexpected output ${r.stdout} ${r.stderr}`);
  });
}

/** The error code of a rejected promise (or `'no error'`), to assert on. */
export async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'no error';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

/** What a verification came to: `'valid'`, the code of its failure result, or the code it rejected with. */
export async function outcomeOf(p: Promise<{ ok: true } | { ok: false; code: string }>): Promise<string> {
  try {
    const r = await p;
    return r.ok ? 'valid' : r.code;
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}
