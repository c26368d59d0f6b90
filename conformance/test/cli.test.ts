import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImpl } from '../src/cli.js';
import { cli, CONFORMANCE, encodingDir, fake } from './helpers.js';

describe('CLI', () => {
  it('is built (npx tsc -p conformance)', () => {
    expect(existsSync(join(CONFORMANCE, 'dist', 'cli.js'))).toBe(true);
  });

  it('a passing port: table, N passed, N failed, exit 0, and both reports', async () => {
    const out = mkdtempSync(join(tmpdir(), 'reqsign-cli-'));
    const run = await cli([
      '--vectors',
      encodingDir(),
      '--impl',
      `mine=${fake()}`,
      '--report',
      join(out, 'r.xml'),
      '--report',
      join(out, 'r.json'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^canonical-encoding\s+canonical\s+encoding\s+7\s+7\/7$/m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('7 passed, 0 failed');
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'))).toMatchObject({
      passed: 7,
      failed: 0,
      implementations: [{ name: 'mine' }],
    });
    expect(readFileSync(join(out, 'r.xml'), 'utf8')).toContain(
      '<testsuites name="reqsign-conformance" tests="7" failures="0" skipped="0">',
    );
  });

  it('a failing port: each failure with its stage, exit 1', async () => {
    const run = await cli([
      '--vectors',
      encodingDir(),
      '--impl',
      fake('--wrong-answer-on=canonical-encoding-002', '--crash-on=canonical-encoding-004'),
    ]);
    expect(run.stdout).toContain('FAIL fake canonical-encoding/canonical-encoding-002: stage "text" differs');
    expect(run.stdout).toContain('FAIL fake canonical-encoding/canonical-encoding-004: port fault (crash)');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('5 passed, 2 failed');
    expect(run.code).toBe(1);
  });

  it('unsupported cases fail the run only with --strict', async () => {
    const args = ['--vectors', encodingDir(), '--impl', fake('--unsupported-on=canonical-encoding-002')];
    const lax = await cli(args);
    expect(lax.stdout.trimEnd().split('\n').at(-1)).toBe('6 passed, 0 failed, 1 unsupported');
    expect(lax.code).toBe(0);
    expect((await cli([...args, '--strict'])).code).toBe(1);
  });

  it('usage errors and unloadable vectors exit 2 with a message', async () => {
    expect(await cli(['--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(await cli(['--timeout', '0'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--timeout takes a positive whole number'),
    });
    expect(await cli(['--vectors', join(tmpdir(), 'reqsign-no-such-dir')])).toMatchObject({ code: 2 });
    expect(await cli(['--vectors', encodingDir(), '--impl', fake(), '--filter', 'no-such-case'])).toMatchObject({
      code: 2,
      stderr: 'reqsign-conformance: no case matches --filter no-such-case\n',
    });
    const unwritable = await cli([
      '--vectors',
      encodingDir(),
      '--impl',
      fake(),
      '--report',
      join(tmpdir(), 'reqsign-no-such-dir', 'r.json'),
    ]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('could not write the report');
    expect(unwritable.stdout.trimEnd().split('\n').at(-1)).toBe('7 passed, 0 failed');
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npx @reqsign/conformance --impl "python3 my_port.py"');
  });

  it('NAME=COMMAND labels a port; environment assignments and --opt=x stay part of the command', () => {
    expect(parseImpl('python3 port.py')).toEqual({ command: 'python3 port.py' });
    expect(parseImpl('mine=python3 port.py')).toEqual({ name: 'mine', command: 'python3 port.py' });
    expect(parseImpl('my port (v2)=python3 port.py')).toEqual({ name: 'my port (v2)', command: 'python3 port.py' });
    expect(parseImpl('PYTHONPATH=. python3 port.py')).toEqual({ command: 'PYTHONPATH=. python3 port.py' });
    expect(parseImpl('node port.js --mode=x')).toEqual({ command: 'node port.js --mode=x' });
    expect(parseImpl('mine=PYTHONPATH=. python3 port.py')).toEqual({ name: 'mine', command: 'PYTHONPATH=. python3 port.py' });
  });
});
