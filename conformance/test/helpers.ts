import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVectors, VECTORS_DIR, type VectorFile } from '../src/index.js';

export const FIXTURES: string = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const CONFORMANCE: string = fileURLToPath(new URL('../', import.meta.url));
export const PYTHON_PORT: string = fileURLToPath(new URL('../ports/python/reqsign_port.py', import.meta.url));

/** A copy of the canonical vector files only, so the runner's own tests do not depend on the other schemes' files. */
export function canonicalDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-vectors-'));
  for (const name of readdirSync(VECTORS_DIR).filter((n) => n.startsWith('canonical-') && n.endsWith('.json'))) {
    copyFileSync(join(VECTORS_DIR, name), join(dir, name));
  }
  return dir;
}

/** The canonical-encoding cases with a hex input (001-007): what the fake port knows how to answer. */
export function encodingFile(): VectorFile {
  const file = loadVectors(canonicalDir()).find((f) => f.name === 'canonical-encoding');
  if (file === undefined) throw new Error('canonical-encoding vectors missing');
  const cases = file.cases.filter((c) => typeof c.input['hex'] === 'string');
  if (cases.length !== 7) throw new Error(`expected 7 hex cases, found ${cases.length}`);
  return { ...file, cases };
}

/** A shell command for the fake port with the given options. */
export function fake(...options: string[]): string {
  return [JSON.stringify(process.execPath), JSON.stringify(`${FIXTURES}fake-port.mjs`), ...options.map((o) => JSON.stringify(o))].join(' ');
}

/** Whether a process is gone, waiting up to 5 s for it (a killed process may be reaped a moment later). */
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Whether a process is still running (a zombie, dead but not yet reaped by its new parent, is not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** A vector directory holding only the hex cases of canonical-encoding (what the fake port answers). */
export function encodingDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-vectors-'));
  const file = JSON.parse(readFileSync(join(VECTORS_DIR, 'canonical-encoding.json'), 'utf8')) as {
    cases: Array<{ input: Record<string, unknown>; flags: string[] }>;
  };
  // The fake port answers hex cases and checks no schema: the cases that break it are left out.
  file.cases = file.cases.filter((c) => typeof c.input['hex'] === 'string' && !c.flags.includes('BreaksSchema'));
  writeFileSync(join(dir, 'canonical-encoding.json'), JSON.stringify(file));
  return dir;
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as npm installs it (conformance/bin/reqsign-conformance.js, which runs dist/) with arguments; never rejects. */
export function cli(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(CONFORMANCE, 'bin', 'reqsign-conformance.js'), ...args],
      { cwd: CONFORMANCE, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
