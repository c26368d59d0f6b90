import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../../../scripts/lib/workspace.js';

/** The documentation key every README uses, and the nOps test key the nOps snippets find in their folder. */
export const NOG = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
export const NOPS_API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
export const KEYS: string = join(ROOT, 'packages', 'nops', 'test', 'fixtures', 'keys');

/** The folder a user runs the snippets in: their key files, a port of their own (the reference port), a blob to upload. */
export function userFolder(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-readme-'));
  copyFileSync(join(KEYS, 'rsa2048.pem'), join(dir, 'nops_private_key.pem'));
  copyFileSync(join(KEYS, 'rsa2048.pub.pem'), join(dir, 'nops_public_key.pem'));
  copyFileSync(join(ROOT, 'conformance', 'ports', 'python', 'reqsign_port.py'), join(dir, 'my_port.py'));
  // The file the CLI README's upload sends (`?size=42`).
  writeFileSync(join(dir, 'blob.bin'), Buffer.alloc(42, 0x61));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program in the user's folder with the environment the READMEs' blocks read, killed after `timeoutMs`. */
export function run(
  cwd: string,
  command: string,
  args: readonly string[],
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        env: {
          PATH: process.env.PATH ?? '',
          NOG_KEYID: NOG.id,
          NOG_SECRETKEY: NOG.secret,
          NOPS_API_KEY,
          NOPS_PRIVATE_KEY_FILE: join(cwd, 'nops_private_key.pem'),
          ...env,
        },
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : null, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}
