import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, CONFORMANCE, encodingDir, fake, gone } from './helpers.js';

// The runner as a process, against real bad ports: whatever the port does, the runner ends, and no port outlives it.
const BIN = join(CONFORMANCE, 'bin', 'reqsign-conformance.js');
const vectors = encodingDir();

/** Waits for a pidfile with its pid in it (a minute at most: a loaded machine starts processes slowly). */
async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 1200 && !(existsSync(file) && readFileSync(file, 'utf8').trim() !== ''); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the CLI with a port that never answers; resolves once that port is running, with its pid. */
async function startHung(): Promise<{
  runner: ReturnType<typeof spawn>;
  portPid: number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}> {
  const pidfile = join(mkdtempSync(join(tmpdir(), 'reqsign-sig-')), 'pid');
  const runner = spawn(
    process.execPath,
    [BIN, '--vectors', vectors, '--impl', fake('--hang-all', `--pidfile=${pidfile}`), '--timeout', '600000'],
    { stdio: 'ignore' },
  );
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    runner.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitForFile(pidfile);
  const portPid = Number(readFileSync(pidfile, 'utf8'));
  expect(alive(portPid)).toBe(true);
  return { runner, portPid, exit };
}

/**
 * A run that writes failures, then goes quiet for a moment (a request that times out after 1 s), then writes more:
 * by then `head -n 1` has gone, so the second write meets a closed pipe. Stderr goes to $ERR, which must stay empty.
 */
export function epipeCommand(bin: string, ...before: string[]): string[] {
  return [
    process.execPath,
    bin,
    ...before,
    '--vectors',
    vectors,
    '--impl',
    fake('--wrong-answer-on=canonical-encoding-001'),
    '--impl',
    fake('--hang-on=canonical-encoding-002'),
    '--timeout',
    '1000',
  ];
}

describe('the runner process', () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`stopped by ${signal}: kills the port, then exits 128 + ${constants.signals[signal]}`, async () => {
      const { runner, portPid, exit } = await startHung();
      runner.kill(signal);
      expect(await exit).toEqual({ code: 128 + constants.signals[signal], signal: null });
      expect(await gone(portPid)).toBe(true);
    });
  }

  it('stopped by `timeout`: the port goes too', async () => {
    // GNU timeout's expiry is its SIGALRM: sent once the port is running, it is the expiry of `timeout 2` on a machine
    // of any speed (a fixed 2 s once ran out before a loaded machine had started the port at all).
    const pidfile = join(mkdtempSync(join(tmpdir(), 'reqsign-sig-')), 'pid');
    const t = spawn(
      'timeout',
      ['600', process.execPath, BIN, '--vectors', vectors, '--impl', fake('--hang-all', `--pidfile=${pidfile}`), '--timeout', '600000'],
      { stdio: 'ignore' },
    );
    const exit = new Promise<number | null>((resolve) => t.once('exit', (code) => resolve(code)));
    await waitForFile(pidfile);
    const portPid = Number(readFileSync(pidfile, 'utf8'));
    expect(alive(portPid)).toBe(true);
    t.kill('SIGALRM');
    expect(await exit).toBe(124);
    expect(await gone(portPid)).toBe(true);
  });

  it('exits after its run although a process the port started (in a session of its own) keeps stdout open', async () => {
    const child = join(mkdtempSync(join(tmpdir(), 'reqsign-sig-')), 'child');
    const r = spawnSync(
      process.execPath,
      [BIN, '--vectors', vectors, '--impl', fake('--setsid-child', `--childpidfile=${child}`), '--quiet'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.signal).toBeNull(); // not killed by the spawnSync timeout
    expect(r.stdout).toBe('7 passed, 0 failed\n');
    expect(r.status).toBe(0);
    if (process.platform === 'linux') expect(await gone(Number(readFileSync(child, 'utf8')))).toBe(true);
  });

  it("`| head`: a reader that goes away ends the run quietly, with SIGPIPE's status 141 and no stack trace", () => {
    const err = join(mkdtempSync(join(tmpdir(), 'reqsign-pipe-')), 'stderr');
    const r = spawnSync('bash', ['-c', `set -o pipefail; "$@" 2>"$ERR" | head -n 1 >/dev/null; echo $?`, 'sh', ...epipeCommand(BIN)], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ERR: err },
    });
    expect(r.stdout).toBe('141\n');
    expect(readFileSync(err, 'utf8')).toBe('');
  });
});
