import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../../../../scripts/lib/exec.js';
import { RUNTIME_BINARIES } from '../../../../scripts/lib/programs.js';
import { ROOT } from '../../../../scripts/lib/workspace.js';

export interface Runtime {
  readonly name: string;
  /** The program, then the arguments that come before the script. */
  readonly command: readonly string[];
}

export const RUNTIMES: readonly Runtime[] = [
  { name: 'node20', command: [process.execPath] },
  { name: 'node22', command: [RUNTIME_BINARIES.node22] },
  { name: 'node24', command: [RUNTIME_BINARIES.node24] },
  { name: 'deno', command: [RUNTIME_BINARIES.deno, 'run', '-A'] },
  { name: 'bun', command: [RUNTIME_BINARIES.bun] },
];

/** A runtime's binary must exist: a missing runtime fails the suite (it is never skipped). */
export function requireBinary(rt: Runtime): string {
  const bin = rt.command[0]!;
  if (!existsSync(bin)) throw new Error(`${rt.name} is not installed at ${bin}: run \`npm ci\` (its postinstall installs tools/runtimes)`);
  return bin;
}

/** The version a runtime reports (`v22.23.3`, `deno 2.9.6 ...`, `1.4.5`). */
export async function versionOf(rt: Runtime): Promise<string> {
  const r = await exec(requireBinary(rt), ['--version']);
  return r.stdout.trim().split('\n')[0]!;
}

export const CONFORMANCE_CLI: string = join(ROOT, 'conformance', 'dist', 'cli.js');
/** reqsign's packages as a conformance port (`@reqsign/cli`'s `port/main.js`). */
export const ADAPTER: string = join(ROOT, 'packages', 'cli', 'dist', 'port', 'main.js');

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface CaseOutcome {
  readonly file: string;
  readonly id: string;
  readonly status: 'pass' | 'fail' | 'unsupported';
  readonly stage?: string;
}

export interface ConformanceRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Results by implementation label. */
  readonly results: Readonly<Record<string, readonly CaseOutcome[]>>;
}

/**
 * Runs the conformance CLI (under `runner`, a node) against the TypeScript adapter started by `rt`, once on each
 * crypto path, and reads the JSON report.
 */
export async function runConformance(runner: string, rt: Runtime): Promise<ConformanceRun> {
  requireBinary(rt);
  const start = [...rt.command, ADAPTER].map(quote).join(' ');
  const dir = mkdtempSync(join(tmpdir(), `reqsign-${rt.name}-`));
  try {
    const report = join(dir, 'report.json');
    const r = await exec(
      runner,
      [
        CONFORMANCE_CLI,
        '--impl',
        `${rt.name}-default=${start}`,
        '--impl',
        `${rt.name}-webcrypto=${start} --webcrypto`,
        '--strict',
        '--quiet',
        '--report',
        report,
      ],
      { cwd: ROOT, timeoutMs: 600_000, env: { ...process.env, NO_COLOR: '1' } },
    );
    const results: Record<string, CaseOutcome[]> = {};
    if (existsSync(report)) {
      const json = JSON.parse(readFileSync(report, 'utf8')) as { implementations: { name: string; results: CaseOutcome[] }[] };
      for (const impl of json.implementations) results[impl.name] = impl.results;
    }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
