import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The command as npm installs it (`bin.reqsign`, which runs the bundle the build made, dist/reqsign.cjs). */
export const CLI = resolve(here, '..', 'bin', 'reqsign.cjs');

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `reqsign ARGS` in a child process with exactly the environment given (plus PATH). */
export function reqsign(args: readonly string[], env: Record<string, string> = {}, input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * HMAC-SHA256 hex by Python's hmac (an implementation independent of ours) for many (secret, string to sign) pairs,
 * in one python3 process.
 */
export function pythonHmacs(pairs: ReadonlyArray<readonly [secret: string, stringToSign: string]>): string[] {
  const script =
    'import hmac,hashlib,json,sys\nfor s,d in json.load(sys.stdin): print(hmac.new(s.encode(), d.encode(), hashlib.sha256).hexdigest())';
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify(pairs), encoding: 'utf8' }).trim();
  return out === '' ? [] : out.split('\n');
}

export function openssl(args: readonly string[], input?: string | Buffer): Buffer {
  return execFileSync('openssl', args, { input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'reqsign-cli-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Asserts the usage-error contract: exit 2, nothing on stdout, exactly one line on stderr. */
export function expectUsageError(run: Run): string {
  if (run.status !== 2 || run.stdout !== '' || !/^reqsign[^\n]*: [^\n]+\n$/.test(run.stderr)) {
    throw new Error(`expected exit 2 with one stderr line, got ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
  return run.stderr;
}
