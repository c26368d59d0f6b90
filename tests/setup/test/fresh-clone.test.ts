import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exec, type ExecResult } from '../../../scripts/lib/exec.js';
import { cloneWorkingTree } from '../../../scripts/lib/clone.js';
import { RUNTIME_BINARIES } from '../../../scripts/lib/programs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { freshEnv } from './support.js';

/**
 * What a newcomer does: clone, then the README's set-up (`npm ci && npm run conformance`), then `npx reqsign` and
 * `npx reqsign-conformance`. The clone is of this repository's HEAD with the working tree's uncommitted changes laid
 * over it, so the test checks what is on disk. (The README's second command, `npm test`, is this suite.)
 */
const clone = mkdtempSync(join(tmpdir(), 'reqsign-clone-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));
const env = freshEnv({ TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' });
const run = (command: string, args: readonly string[], extra: Record<string, string> = {}): Promise<ExecResult> =>
  exec(command, args, { cwd: clone, env: { ...env, ...extra }, timeoutMs: 600_000 });
const show = (r: ExecResult) => `exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`;

// npm ci downloads and unpacks a few hundred MB (the other runtimes), the build compiles every package.
const SLOW = { timeout: 600_000 };

describe('a fresh clone, set up as the README says', () => {
  it('git clone, then npm ci: every npm package the tests need, tools/runtimes included', SLOW, async () => {
    await cloneWorkingTree(clone);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);

    const ci = await run('npm', ['ci', '--no-fund', '--no-audit']);
    expect(ci.code, show(ci)).toBe(0);
    for (const bin of Object.values(RUNTIME_BINARIES)) expect(existsSync(bin.replace(ROOT, clone)), bin).toBe(true);
    // The workspace's bins are linked although dist/ is not built yet.
    for (const bin of ['reqsign', 'reqsign-conformance']) expect(existsSync(join(clone, 'node_modules', '.bin', bin)), bin).toBe(true);
  });

  it('npm run conformance: builds, then every implementation passes every vector', SLOW, async () => {
    const r = await run('npm', ['run', 'conformance']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^[1-9]\d* passed, 0 failed$/);
  });

  it('npx reqsign signs, and npx reqsign-conformance runs', SLOW, async () => {
    const help = await run('npx', ['--no-install', 'reqsign', '--help']);
    expect(help.code, show(help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: reqsign <command>/);
    const signed = await run(
      'npx',
      ['--no-install', 'reqsign', 'nog', 'sign', '--no-nonce', '--date', '2015-04-20T12:34:56Z', 'GET', '/api/blobs/abc'],
      {
        NOG_KEYID: '0123456789abcdef0123',
        NOG_SECRETKEY: '0123456789abcdef0123456789abcdef01234567',
      },
    );
    expect(signed.code, show(signed)).toBe(0);
    expect(signed.stdout).toMatch(
      /^\/api\/blobs\/abc\?authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600&authsignature=[0-9a-f]{64}\n$/,
    );
    const conformance = await run('npx', ['--no-install', 'reqsign-conformance', '--filter', 'canonical-encoding', '--quiet']);
    expect(conformance.code, show(conformance)).toBe(0);
    expect(conformance.stdout).toMatch(/^[1-9]\d* passed, 0 failed\n$/);
    const through = await run('npx', ['--no-install', 'reqsign', 'conformance', '--filter', 'canonical-encoding', '--quiet']);
    // reqsign conformance also runs reqsign's own packages, on both crypto paths: three implementations, not one.
    const count = (out: string): number => Number(/^(\d+) passed/.exec(out)?.[1]);
    expect(through.stdout).toMatch(/^[1-9]\d* passed, 0 failed\n$/);
    expect(count(through.stdout)).toBe(3 * count(conformance.stdout));
  });
});
