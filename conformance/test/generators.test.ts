import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMES, VECTORS_DIR } from '../src/index.js';
import { requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3', 'openssl', 'tzdata');

const GENERATORS = new URL('../generators/', import.meta.url).pathname;

/** How each generator runs, by its extension. A generator of another kind fails the test until it is added here. */
const RUNNERS: Record<string, (file: string) => [string, string[]]> = {
  '.py': (file) => ['python3', [file]],
  '.mjs': (file) => [process.execPath, [file]],
};

// Every file in generators/ writes vector files from independent tools (Python hmac, openssl, the C library's tz
// database): together they write exactly the shipped vector files of every scheme with a crypto kind (SCHEMES), so
// a hand edit to a shipped file, a generator change not run, or a scheme without a generator fails here.
describe('vector generators', () => {
  it('write exactly the shipped vector files of every signing scheme', () => {
    const out = mkdtempSync(join(tmpdir(), 'reqsign-gen-'));
    const env = { ...process.env, REQSIGN_VECTORS_OUT: out };
    const generators = readdirSync(GENERATORS).filter((f) => !f.startsWith('.') && !f.startsWith('_') && f !== '__pycache__');
    expect(generators.length).toBeGreaterThanOrEqual(2);
    for (const file of generators) {
      const runner = RUNNERS[extname(file)];
      if (runner === undefined) throw new Error(`generators/${file}: add how to run a ${extname(file)} generator to RUNNERS`);
      const [program, args] = runner(join(GENERATORS, file));
      execFileSync(program, args, { env, stdio: 'pipe' });
    }
    const written = readdirSync(out).sort();
    const signing = new Set<string>(SCHEMES.filter((s) => s.crypto !== 'none').map((s) => s.id));
    const shipped = readdirSync(VECTORS_DIR)
      .filter((f) => f.endsWith('.json'))
      .filter((f) => signing.has((JSON.parse(readFileSync(join(VECTORS_DIR, f), 'utf8')) as { scheme: string }).scheme))
      .sort();
    expect(shipped.length).toBeGreaterThanOrEqual(signing.size);
    expect(written, 'a shipped vector file of a signing scheme that no generator writes: add a generator in generators/').toEqual(shipped);
    for (const name of written) expect(readFileSync(join(out, name), 'utf8'), name).toBe(readFileSync(join(VECTORS_DIR, name), 'utf8'));
  }, 120_000);
});
