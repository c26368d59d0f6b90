import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VECTORS_DIR } from '../src/index.js';
import { requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3', 'openssl', 'tzdata');

const GENERATORS = new URL('../generators/', import.meta.url).pathname;

// The nog and nOps vector files are written by their generators from independent tools (Python hmac, openssl, the
// C library's tz database): a hand edit to a shipped file, or a generator change not run, fails here.
describe('vector generators', () => {
  it('write exactly the shipped nog-* and nops-* files', () => {
    const out = mkdtempSync(join(tmpdir(), 'reqsign-gen-'));
    const env = { ...process.env, REQSIGN_VECTORS_OUT: out };
    execFileSync('python3', [join(GENERATORS, 'nog.py')], { env, stdio: 'pipe' });
    execFileSync(process.execPath, [join(GENERATORS, 'nops.mjs')], { env, stdio: 'pipe' });
    const written = readdirSync(out).sort();
    expect(written).toEqual(['nog-replay.json', 'nog-sign.json', 'nog-verify.json', 'nops-sign.json', 'nops-verify.json']);
    for (const name of written) expect(readFileSync(join(out, name), 'utf8'), name).toBe(readFileSync(join(VECTORS_DIR, name), 'utf8'));
  }, 120_000);
});
