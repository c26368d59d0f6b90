import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './workspace.js';

/** Where `npm ci` (its postinstall, `scripts/install-runtimes.mjs`) puts the other JavaScript runtimes. */
export const RUNTIMES_DIR: string = join(ROOT, 'tools', 'runtimes', 'node_modules');
/** The runtime binaries the suites run, by name. */
export const RUNTIME_BINARIES: Readonly<Record<'node22' | 'node24' | 'deno' | 'bun', string>> = {
  node22: join(RUNTIMES_DIR, 'node22', 'bin', 'node'),
  node24: join(RUNTIMES_DIR, 'node24', 'bin', 'node'),
  deno: join(RUNTIMES_DIR, '.bin', 'deno'),
  bun: join(RUNTIMES_DIR, '.bin', 'bun'),
};

const WORKERD_PACKAGES: Readonly<Record<string, string>> = {
  'linux x64': '@cloudflare/workerd-linux-64',
  'linux arm64': '@cloudflare/workerd-linux-arm64',
  'darwin x64': '@cloudflare/workerd-darwin-64',
  'darwin arm64': '@cloudflare/workerd-darwin-arm64',
};

/** The workerd binary of this platform, from tools/runtimes (its platform package ships it; no install script). */
export const WORKERD: string = join(
  RUNTIMES_DIR,
  WORKERD_PACKAGES[`${process.platform} ${process.arch}`] ?? '@cloudflare/workerd-linux-64',
  'bin',
  'workerd',
);

/** Verdaccio, a real npm registry for the release test (6.8: the last that runs on Node 20). */
export const VERDACCIO: string = join(RUNTIMES_DIR, 'verdaccio', 'bin', 'verdaccio');

interface Program {
  /** What the tests miss, for the message. */
  readonly what: string;
  /** Debian packages that provide it (`.ci/run` installs them); none for what npm installs. */
  readonly apt: readonly string[];
  /** The command that installs it. */
  readonly install: string;
  readonly present: () => boolean;
}

const runs = (command: string, args: readonly string[], output?: RegExp): boolean => {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return r.status === 0 && (output === undefined || output.test(r.stdout));
};
const apt = (...packages: string[]) => ({ apt: packages, install: `apt-get install -y ${packages.join(' ')}` });
/**
 * The Pythons that may have Cryptodome: Debian's python3-pycryptodome installs it for /usr/bin/python3, which need not
 * be the python3 first on PATH (pyenv's, say). `REQSIGN_CRYPTODOME_PYTHON` names another.
 */
const cryptodomePythons = (): string[] => [process.env['REQSIGN_CRYPTODOME_PYTHON'] ?? '/usr/bin/python3', 'python3'];

/** The Python that has Cryptodome (the tests that sign with pycryptodomex run it), or undefined. */
export function cryptodomePython(): string | undefined {
  return cryptodomePythons().find((p) => runs(p, ['-c', 'import Cryptodome']));
}

/**
 * The programs from the machine that test suites use, each with how to install it. A test file that needs one
 * calls {@link requirePrograms} first: without the program the file fails with one line that names it and the
 * command that installs it, instead of failing test by test with errors that do not say why.
 */
export const PROGRAMS = {
  openssl: { what: 'openssl (differential checks of HMAC and RSA)', ...apt('openssl'), present: () => runs('openssl', ['version']) },
  python3: { what: 'python3 (the reference port, differential checks)', ...apt('python3'), present: () => runs('python3', ['--version']) },
  cryptodome: {
    what: "Python's Cryptodome (pycryptodomex, what the nOps docs sign with)",
    // It brings Debian's python3 with it, the Python it installs for.
    ...apt('python3-pycryptodome'),
    present: () => cryptodomePython() !== undefined,
  },
  tzdata: {
    what: "time zone data for Python's zoneinfo (the reference port's nOps days in a time zone)",
    ...apt('tzdata'),
    present: () => runs('python3', ['-c', 'import zoneinfo; zoneinfo.ZoneInfo("America/New_York")']),
  },
  'redis-server': {
    what: 'redis-server (the Redis nonce store, on loopback)',
    ...apt('redis-server'),
    present: () => runs(process.env['REQSIGN_REDIS_SERVER'] ?? 'redis-server', ['--version'], /Redis server/),
  },
  chromium: {
    what: 'Debian chromium (the browser run)',
    ...apt('chromium'),
    present: () => existsSync(process.env['REQSIGN_CHROMIUM'] ?? '/usr/bin/chromium'),
  },
  runtimes: {
    what: 'Node 22 and 24, Deno, Bun, workerd and Verdaccio from npm (tools/runtimes)',
    apt: [],
    install: 'npm ci (its postinstall runs npm ci --prefix tools/runtimes)',
    present: () => [...Object.values(RUNTIME_BINARIES), WORKERD, VERDACCIO].every((bin) => existsSync(bin)),
  },
} satisfies Record<string, Program>;

export type ProgramName = keyof typeof PROGRAMS;

/** A program a test file needs is missing; the message is one line, with the command that installs it. */
export class MissingProgramError extends Error {
  override readonly name = 'MissingProgramError';
  readonly program: ProgramName;
  constructor(program: ProgramName) {
    const p: Program = PROGRAMS[program];
    super(`missing ${p.what}: ${p.install}`);
    this.program = program;
    // One line is the whole story: no stack under it.
    this.stack = `${this.name}: ${this.message}`;
  }
}

const known = new Map<ProgramName, boolean>();

/** Whether a program is there (probed once per process). */
export function hasProgram(name: ProgramName): boolean {
  let present = known.get(name);
  if (present === undefined) {
    present = PROGRAMS[name].present();
    known.set(name, present);
  }
  return present;
}

/** Throws {@link MissingProgramError} for the first of `names` that is missing. Call it at the top of a test file. */
export function requirePrograms(...names: ProgramName[]): void {
  for (const name of names) if (!hasProgram(name)) throw new MissingProgramError(name);
}

/** The programs that are missing, in the order of {@link PROGRAMS}. */
export function missingPrograms(): ProgramName[] {
  return (Object.keys(PROGRAMS) as ProgramName[]).filter((name) => !hasProgram(name));
}

/** Forgets what was probed (after an install). */
export function forgetProbes(): void {
  known.clear();
}

/** The Debian packages that would provide every missing program, each once, in the order of {@link PROGRAMS}. */
export function missingAptPackages(): string[] {
  return [...aptPlan(missingPrograms()).keys()];
}

/** For each Debian package that provides one of `programs`: what the tests need it for. */
export function aptPlan(programs: readonly ProgramName[]): Map<string, string[]> {
  const plan = new Map<string, string[]>();
  for (const name of programs) for (const pkg of PROGRAMS[name].apt) plan.set(pkg, [...(plan.get(pkg) ?? []), PROGRAMS[name].what]);
  return plan;
}
