import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec } from '../../../scripts/lib/exec.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { freshEnv, pathWithout } from './support.js';

// A machine without a program the tests use: the files that need it fail with one line that names it and the
// command that installs it, and the closing summary names it once.
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

describe('a program missing from the machine', () => {
  it('redis-server: its test files fail with one line naming it and the apt-get command, nothing else fails', {
    timeout: 300_000,
  }, async () => {
    const env = freshEnv({ PATH: pathWithout('redis-server'), NO_COLOR: '1', FORCE_COLOR: '0' });
    delete env['CI'];
    delete env['REQSIGN_REDIS_URL'];
    delete env['REQSIGN_REDIS_SERVER'];
    const r = await exec(process.execPath, [VITEST, 'run', '--project', 'nog-redis'], { cwd: ROOT, env, timeoutMs: 300_000 });
    const out = r.stdout + r.stderr;
    const line = 'missing redis-server (the Redis nonce store, on loopback): apt-get install -y redis-server';
    // The files that need it fail, under exactly that line (vitest prints one error shared by files once), no stack.
    expect(
      out
        .match(/^ FAIL .*$/gm)
        ?.map((l) => l.replace(/ \[.*$/, ''))
        .sort(),
    ).toEqual([
      ' FAIL  |nog-redis| test/cluster.test.ts',
      ' FAIL  |nog-redis| test/fleet.test.ts',
      ' FAIL  |nog-redis| test/sentinel.test.ts',
      ' FAIL  |nog-redis| test/slot.test.ts',
      ' FAIL  |nog-redis| test/store.test.ts',
    ]);
    expect(out.match(/^MissingProgramError: .*$/gm)).toEqual([`MissingProgramError: ${line}`]);
    expect(out).not.toMatch(/❯ \S+:\d+:\d+/); // no stack frame
    const tail = r.stdout.trimEnd().split('\n').slice(-2);
    expect(tail[0]).toBe(`${line} (5 test files need it)`);
    // The files that need no redis-server binary are untouched: the deadline queue, key and client-type tests pass,
    // the shared Redis suite is skipped without REQSIGN_REDIS_URL.
    expect(tail[1]).toBe('7 passed, 5 failed, 1 skipped');
    expect(r.code).toBe(1);
  });

  it('.ci/run installs what is missing: the Debian packages of the programs not found', async () => {
    const env = freshEnv({ PATH: pathWithout('openssl', 'redis-server'), REQSIGN_CHROMIUM: join(ROOT, 'no-such-chromium') });
    delete env['REQSIGN_REDIS_SERVER'];
    const r = await exec(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/programs.ts', '--apt'], {
      cwd: ROOT,
      env,
    });
    expect(r.stdout).toBe('openssl redis-server chromium\n');
    expect(r.code).toBe(0);
    const none = await exec(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/programs.ts', '--apt'], {
      cwd: ROOT,
      env: freshEnv(),
    });
    expect(none.stdout).toBe('\n');
  });
});
