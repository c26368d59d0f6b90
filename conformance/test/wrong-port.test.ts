import { describe, expect, it } from 'vitest';
import { loadVectors } from '../src/index.js';
import { cli, FIXTURES } from './helpers.js';
import { requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3', 'tzdata');

// A port with one classic bug must fail the run, and the failure must say where: the first differing stage.
// Counted, not written down: new vectors arrive with every minor version.
const nogSign = loadVectors(undefined, undefined, { breaksSchema: true }).find((f) => f.name === 'nog-sign')!.cases.length;
const buggy = (bug: string) => `python3 ${JSON.stringify(`${FIXTURES}buggy_port.py`)} ${bug}`;

describe('the runner catches a wrong port', () => {
  it('nog-v1 without the final newline of the string to sign: stringToSign differs, exit 1', async () => {
    const run = await cli(['--impl', buggy('no-final-newline'), '--filter', 'nog-sign']);
    expect(run.code).toBe(1);
    const fails = run.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    const valid = /^FAIL \S+ nog-sign\/nog-sign-\d{3}: stage "stringToSign" differs$/;
    // Every signed case fails, at the string to sign (not later at the signature); invalid cases still pass.
    expect(fails.length).toBeGreaterThanOrEqual(40);
    for (const line of fails) expect(line).toMatch(valid);
    expect(run.stdout).toContain(
      '  expected: "GET\\n/api/blobs/abc?authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600&authnonce=0123456789\\n"',
    );
    expect(run.stdout).toMatch(new RegExp(`^nog-sign\\s+nog-v1\\s+sign\\s+${nogSign}\\s+\\d+/${nogSign} \\d+ FAILED$`, 'm'));
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`${nogSign - fails.length} passed, ${fails.length} failed`);
  });

  it('nog-v1 verification with the same bug rejects every good signature', async () => {
    const run = await cli(['--impl', buggy('no-final-newline'), '--filter', 'nog-verify', '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL \S+ nog-verify\/nog-verify-001: stage "result" differs\n {2}expected: "an output"\n {2}actual: {3}"ERR_AUTH_SIG_INVALID"/,
    );
  });

  it('nOps with base64.encodebytes (a newline in the signature): signature differs, exit 1', async () => {
    const run = await cli(['--impl', buggy('base64-newline'), '--filter', 'nops-sign', '--quiet']);
    expect(run.code).toBe(1);
    const fails = run.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    expect(fails.length).toBeGreaterThanOrEqual(30);
    for (const line of fails) expect(line).toMatch(/^FAIL \S+ nops-sign\/nops-sign-\d{3}: stage "signature" differs$/);
    expect(run.stdout).toMatch(/ {2}actual: {3}"[A-Za-z0-9+/=]+\\n/);
  });

  it('the same port without the bug passes those files', async () => {
    const run = await cli([
      '--impl',
      `python3 ${JSON.stringify(`${FIXTURES}../../ports/python/reqsign_port.py`)}`,
      '--filter',
      'nog-sign',
      '--quiet',
    ]);
    expect(run.stdout.trimEnd()).toBe(`${nogSign} passed, 0 failed`);
    expect(run.code).toBe(0);
  });
});
