import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec, type ExecResult } from '../../../scripts/lib/exec.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { freshEnv, pathWithout } from './support.js';

// The programs the suites take from the machine, checked on machines built for each test: a PATH that holds only stand-ins
// for the programs the test says are there (and node), never what the machine running the test happens to have.
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** The programs, as the README lists them, and the Debian package that provides each (written here, not imported). */
const DEBIAN: Record<string, string> = {
  openssl: 'openssl',
  python3: 'python3',
  cryptodome: 'python3-pycryptodome',
  tzdata: 'tzdata',
  'redis-server': 'redis-server',
  chromium: 'chromium',
};
type Program = keyof typeof DEBIAN;
const ALL = Object.keys(DEBIAN) as Program[];

const script = (path: string, body: string): void => {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
};

interface Machine {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** What the stand-in apt-get was asked, one call per line. */
  aptCalls(): string[];
}

/**
 * A machine that has exactly `present` (stand-ins that answer the probes as the real programs do) and, when `apt` is
 * set, an apt-get whose `install` brings the stand-ins of the packages it is given, as the real one would.
 */
function machine(present: readonly Program[], { apt = false } = {}): Machine {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-machine-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  // The state of the machine: one file per program it has; the stand-ins read it, apt-get writes it.
  const has = join(dir, 'has');
  mkdirSync(has);
  for (const p of present) writeFileSync(join(has, p), '');
  script(join(bin, 'openssl'), `[ -e "${has}/openssl" ] || { echo "openssl: not found" >&2; exit 127; }\necho "OpenSSL 3.0.0"`);
  // python3 on PATH (pyenv's, say), and Debian's /usr/bin/python3, the one python3-pycryptodome installs for: only
  // that one has Cryptodome.
  const python = (cryptodome: boolean): string =>
    [
      `[ -e "${has}/python3" ] || { echo "python3: not found" >&2; exit 127; }`,
      'case "$*" in',
      `  *"import Cryptodome"*) ${cryptodome ? `[ -e "${has}/cryptodome" ] || exit 1` : 'exit 1'} ;;`,
      `  *zoneinfo*) [ -e "${has}/tzdata" ] || exit 1 ;;`,
      'esac',
      'exit 0',
    ].join('\n');
  script(join(bin, 'python3'), python(false));
  script(join(dir, 'usr-bin-python3'), python(true));
  script(
    join(bin, 'redis-server'),
    `[ -e "${has}/redis-server" ] || { echo "redis-server: not found" >&2; exit 127; }\necho "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64"`,
  );
  const chromium = join(dir, 'chromium');
  if (present.includes('chromium')) writeFileSync(chromium, '');
  if (apt) {
    const byPackage = Object.fromEntries(Object.entries(DEBIAN).map(([p, pkg]) => [pkg, p]));
    script(
      join(bin, 'apt-get'),
      [
        `echo "$*" >> "${join(dir, 'apt-calls')}"`,
        '[ "$1" = install ] || exit 0',
        'for pkg in "$@"; do',
        '  case "$pkg" in',
        ...Object.entries(byPackage).map(([pkg, p]) =>
          p === 'chromium'
            ? `    ${pkg}) : > "${chromium}" ;;`
            : p === 'cryptodome'
              ? `    ${pkg}) : > "${has}/cryptodome"; : > "${has}/python3" ;;`
              : `    ${pkg}) : > "${has}/${p}" ;;`,
        ),
        '  esac',
        'done',
      ].join('\n'),
    );
  }
  const env = freshEnv({
    PATH: bin,
    REQSIGN_CHROMIUM: chromium,
    REQSIGN_CRYPTODOME_PYTHON: join(dir, 'usr-bin-python3'),
    NO_COLOR: '1',
  });
  delete env['REQSIGN_REDIS_SERVER'];
  delete env['REQSIGN_INSTALL'];
  return {
    dir,
    env,
    aptCalls: () => (existsSync(join(dir, 'apt-calls')) ? readFileSync(join(dir, 'apt-calls'), 'utf8').trimEnd().split('\n') : []),
  };
}

const programs = (m: Machine, mode: string, extra: Record<string, string> = {}): Promise<ExecResult> =>
  exec(process.execPath, [TSX, 'scripts/programs.ts', mode], { cwd: ROOT, env: { ...m.env, ...extra } });

const ROOT_USER = process.getuid?.() === 0;

describe('scripts/programs.ts --apt (what is missing, as Debian packages)', () => {
  it('on a machine that has every program: nothing', async () => {
    const r = await programs(machine(ALL), '--apt');
    expect(r.stdout).toBe('\n');
    expect(r.code).toBe(0);
  });

  it('on a machine that has none: every package, each once, in the README order', async () => {
    const r = await programs(machine([]), '--apt');
    expect(r.stdout).toBe('openssl python3 python3-pycryptodome tzdata redis-server chromium\n');
  });

  for (const gone of ALL) {
    it(`on a machine without ${gone} alone: ${DEBIAN[gone]}`, async () => {
      const r = await programs(machine(ALL.filter((p) => p !== gone)), '--apt');
      // python3 gone takes its modules with it: Cryptodome and zoneinfo are found through it.
      const expected = gone === 'python3' ? ['python3', 'python3-pycryptodome', 'tzdata'] : [DEBIAN[gone]!];
      expect(r.stdout).toBe(`${expected.join(' ')}\n`);
    });
  }
});

describe('npm test installs what is missing where it may, and otherwise runs no suite', () => {
  it('a machine with everything: --ensure says nothing and goes on', async () => {
    const m = machine(ALL, { apt: true });
    const r = await programs(m, '--ensure');
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
    expect(m.aptCalls()).toEqual([]);
  });

  it(`${ROOT_USER ? 'as root with apt-get: installs each missing package, one line each saying why' : 'not root: stops with the list and the sudo command'}`, async () => {
    const m = machine(['openssl', 'python3', 'tzdata'], { apt: true });
    const r = await programs(m, '--ensure');
    if (ROOT_USER) {
      expect(m.aptCalls()).toEqual(['update -qq', 'install -y -qq --no-install-recommends python3-pycryptodome redis-server chromium']);
      expect(r.stdout).toBe(
        [
          'npm test: installing 3 Debian packages the test suites use:',
          "  python3-pycryptodome: Python's Cryptodome (pycryptodomex, what the nOps docs sign with)",
          '  redis-server: redis-server (the Redis nonce store, on loopback)',
          '  chromium: Debian chromium (the browser run)',
          '',
        ].join('\n'),
      );
      expect(r.code).toBe(0);
      // Installed: a second run finds nothing to do.
      const again = await programs(m, '--ensure');
      expect(again.stdout + again.stderr).toBe('');
      expect(m.aptCalls()).toHaveLength(2);
    } else {
      expect(r.stderr).toContain('sudo apt-get install -y python3-pycryptodome redis-server chromium');
      expect(r.code).toBe(1);
      expect(m.aptCalls()).toEqual([]);
    }
  });

  it('where it may not install (REQSIGN_INSTALL=never, or no apt-get): the list and the one command, status 1', async () => {
    const never = machine(['openssl', 'python3', 'cryptodome', 'tzdata'], { apt: true });
    const r = await programs(never, '--ensure', { REQSIGN_INSTALL: 'never' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'npm test: this machine lacks programs the test suites use, so no suite was run:',
      '  redis-server: redis-server (the Redis nonce store, on loopback)',
      '  chromium: Debian chromium (the browser run)',
      `Install them with: ${ROOT_USER ? '' : 'sudo '}apt-get install -y redis-server chromium   (npm test did not: REQSIGN_INSTALL=never)`,
    ]);
    expect(never.aptCalls()).toEqual([]);

    const noApt = machine(['openssl', 'python3', 'cryptodome', 'tzdata', 'chromium']);
    const r2 = await programs(noApt, '--ensure');
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`Install them with: ${ROOT_USER ? '' : 'sudo '}apt-get install -y redis-server   (npm test did not: `);
  });

  it('npm test itself stops before building or running any suite when a program is missing and it may not install', async () => {
    const m = machine(['openssl', 'python3', 'cryptodome', 'tzdata', 'chromium']);
    // npm and node from the machine running this test, nothing else.
    const npmDir = dirname((await exec('sh', ['-c', 'command -v npm'], { env: freshEnv() })).stdout.trim());
    const r = await exec('npm', ['test'], {
      cwd: ROOT,
      env: { ...m.env, PATH: `${m.env['PATH']}:${npmDir}`, REQSIGN_INSTALL: 'never' },
      timeoutMs: 120_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('npm test: this machine lacks programs the test suites use, so no suite was run:');
    expect(r.stderr).toContain('  redis-server: redis-server (the Redis nonce store, on loopback)');
    // No build, no suite: the script line npm echoes, and nothing after it.
    expect(r.stdout.trim()).toBe('> test\n> tsx scripts/programs.ts --ensure && npm run build && vitest run');
  });
});

describe('a program missing from the machine, the suites run by hand', () => {
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
    // The files that say they need it (requirePrograms('redis-server') at their top) fail; every other file passes.
    const dir = join(ROOT, 'packages', 'nog-redis', 'test');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts') && readFileSync(join(dir, f), 'utf8').includes("requirePrograms('redis-server')"))
      .map((f) => `packages/nog-redis/test/${f}`)
      .sort();
    expect(files.length).toBeGreaterThan(5);
    // The files that need it fail, under exactly that line (vitest prints one error shared by files once), no stack.
    expect(
      out
        .match(/^ FAIL .*$/gm)
        ?.map((l) => l.replace(/ \[.*$/, ''))
        .sort(),
    ).toEqual(files.map((f) => ` FAIL  |nog-redis| ${f.replace('packages/nog-redis/', '')}`));
    expect(out.match(/^MissingProgramError: .*$/gm)).toEqual([`MissingProgramError: ${line}`]);
    expect(out).not.toMatch(/❯ \S+:\d+:\d+/); // no stack frame
    // The closing lines: each failed file named, the missing program once, then the tests counted (the files that did
    // not load have none to count; the exit status says the run failed).
    const tail = r.stdout
      .trimEnd()
      .split('\n')
      .slice(-(files.length + 5));
    expect(tail).toEqual([
      `failed files (${files.length}):`,
      ...files.map((f) => `  ${f}: did not load (MissingProgramError: ${line}); its tests did not run`),
      '',
      `${line} (${files.length} test files need it)`,
      '',
      expect.stringMatching(/^[1-9]\d* passed, 0 failed$/),
    ]);
    expect(r.code).toBe(1);
  });
});
