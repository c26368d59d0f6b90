/**
 * The programs from the machine that the test suites use (the list: `scripts/lib/programs.ts`).
 *
 * - `tsx scripts/programs.ts --ensure`: what `npm test` runs before any suite. Installs what is missing when it may:
 *   the npm runtimes (tools/runtimes) always; Debian packages when it runs as root with `apt-get` on PATH, one line per
 *   package saying what and why. Where it may not (not root, no apt-get, or `REQSIGN_INSTALL=never`), it stops with
 *   status 1 before any suite runs, listing what is missing and the one command that installs it.
 * - `tsx scripts/programs.ts --apt`: the Debian packages this machine lacks, one line, space-separated.
 */
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { aptPlan, forgetProbes, missingAptPackages, missingPrograms, PROGRAMS, type ProgramName } from './lib/programs.js';
import { ROOT } from './lib/workspace.js';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** Runs a command with its output shown; its exit status. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const r = spawnSync(command, args, { stdio: 'inherit', env, cwd: ROOT });
  return r.status ?? 1;
}

/** Runs a command quietly: its output is shown only when it fails (the last 40 lines). Its exit status. */
function quietly(command: string, args: readonly string[], env: NodeJS.ProcessEnv): number {
  const r = spawnSync(command, args, { env, cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const status = r.status ?? 1;
  if (status !== 0) err(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trimEnd().split('\n').slice(-40).join('\n'));
  return status;
}

function ensure(): number {
  let missing = missingPrograms();
  if (missing.length === 0) return 0;

  // The runtimes come from npm: installing them needs no rights beyond the checkout.
  if (missing.includes('runtimes')) {
    out('npm test: installing Node 22 and 24, Deno and Bun from npm into tools/runtimes (the runtime suites run on them)');
    if (run(process.execPath, [join(ROOT, 'scripts', 'install-runtimes.mjs')]) !== 0) {
      err('npm test: installing tools/runtimes failed (above); nothing was run. Try: npm ci --prefix tools/runtimes');
      return 1;
    }
    forgetProbes();
    missing = missingPrograms();
  }

  const apt = missing.filter((name) => PROGRAMS[name].apt.length > 0);
  if (apt.length === 0) return missing.length === 0 ? 0 : report(missing);
  const plan = aptPlan(apt);
  const packages = [...plan.keys()];
  const root = process.getuid?.() === 0;
  const mayInstall = process.env['REQSIGN_INSTALL'] !== 'never' && root && onPath('apt-get');
  if (!mayInstall) {
    err('npm test: this machine lacks programs the test suites use, so no suite was run:');
    for (const [pkg, whats] of plan) err(`  ${pkg}: ${whats.join('; ')}`);
    const why =
      process.env['REQSIGN_INSTALL'] === 'never'
        ? 'REQSIGN_INSTALL=never'
        : !onPath('apt-get')
          ? "no apt-get here: install the same packages with your system's package manager"
          : 'not root';
    err(`Install them with: ${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}   (npm test did not: ${why})`);
    return 1;
  }
  out(`npm test: installing ${packages.length} Debian package${packages.length === 1 ? '' : 's'} the test suites use:`);
  for (const [pkg, whats] of plan) out(`  ${pkg}: ${whats.join('; ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (
    quietly('apt-get', ['update', '-qq'], env) !== 0 ||
    quietly('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], env) !== 0
  ) {
    err(`npm test: apt-get install -y ${packages.join(' ')} failed (above); no suite was run`);
    return 1;
  }
  forgetProbes();
  const still = missingPrograms();
  return still.length === 0 ? 0 : report(still);
}

function report(missing: readonly ProgramName[]): number {
  err('npm test: still missing after installing, so no suite was run:');
  for (const name of missing) err(`  ${PROGRAMS[name].what}: ${PROGRAMS[name].install}`);
  return 1;
}

const mode = process.argv[2];
if (mode === '--apt') {
  out(missingAptPackages().join(' '));
} else if (mode === '--ensure') {
  process.exitCode = ensure();
} else {
  err('usage: tsx scripts/programs.ts --ensure | --apt');
  process.exitCode = 2;
}
