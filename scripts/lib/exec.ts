import { spawn } from 'node:child_process';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
  /** Kill the child after this many milliseconds (default 10 minutes). */
  readonly timeoutMs?: number;
}

/**
 * Runs a program without a shell and collects its output. Never throws for a non-zero exit: callers decide what a
 * failure means and print the output they need.
 */
export function exec(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal === null ? 1 : 128),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (child.stdin !== null) {
      // A child may exit before reading its input; that is its answer, not an error of ours.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}

/** Like {@link exec}, but throws with the command's output when it exits non-zero. */
export async function execOk(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const r = await exec(command, args, options);
  if (r.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`.trimEnd());
  }
  return r;
}
