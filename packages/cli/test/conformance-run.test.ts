import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVectors, type ImplementationReport } from '@reqsign/conformance';
import { CLI } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('python3', 'tzdata');

// `npm run conformance` (`reqsign conformance`), as a test: every default implementation (TypeScript on node:crypto
// and on WebCrypto, the Python reference port) against every vector, with 0 failures.
function reqsignConformance(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'conformance', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('the full conformance run', () => {
  it('every implementation passes every vector', async () => {
    const cases = loadVectors(undefined, undefined, { breaksSchema: true }).reduce((n, f) => n + f.cases.length, 0);
    const report = join(mkdtempSync(join(tmpdir(), 'reqsign-run-')), 'report.json');
    const run = await reqsignConformance(['--report', report]);
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      passed: number;
      failed: number;
      unsupported: number;
      implementations: ImplementationReport[];
    };
    expect(json.implementations.map((i) => i.name)).toEqual([
      'typescript (node:crypto)',
      'typescript (WebCrypto)',
      'python (reference port)',
    ]);
    for (const impl of json.implementations) {
      expect(
        impl.results.filter((r) => r.status !== 'pass'),
        impl.name,
      ).toEqual([]);
      expect(impl.results).toHaveLength(cases);
    }
    expect({ passed: json.passed, failed: json.failed, unsupported: json.unsupported }).toEqual({
      passed: 3 * cases,
      failed: 0,
      unsupported: 0,
    });
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`${3 * cases} passed, 0 failed`);
    expect(run.code).toBe(0);
  });
});

describe('colour: only for a terminal', () => {
  // One implementation (this package's port on node:crypto) is enough: the colour is the summary's.
  const PORT = join(dirname(CLI), '..', 'dist', 'port', 'main.js');
  const args = ['conformance', '--impl', `${JSON.stringify(process.execPath)} ${JSON.stringify(PORT)}`];
  /** The run's output through a pseudo-terminal (Python's pty module): what a user sees in a terminal. */
  function inTerminal(env: Record<string, string>): string {
    const r = spawnSync('python3', ['-c', 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)', process.execPath, CLI, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it('colours the summary in a terminal, not with NO_COLOR set, not in a pipe', () => {
    const green = /\x1b\[32m\d+ passed\x1b\[0m, 0 failed/;
    expect(inTerminal({})).toMatch(green);
    const plain = inTerminal({ NO_COLOR: '1' });
    expect(plain).toMatch(/\d+ passed, 0 failed/);
    expect(plain).not.toContain('\x1b[');
    const piped = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(piped.status).toBe(0);
    expect(piped.stdout).toMatch(/\d+ passed, 0 failed\n$/);
    expect(piped.stdout).not.toContain('\x1b[');
  });
});
