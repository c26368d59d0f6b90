import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '@reqsign/cli';
import { CLI, expectUsageError, reqsign, tempDir } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { SCHEMES } from '@reqsign/conformance/schemes';

requirePrograms('python3', 'tzdata');

const here = dirname(fileURLToPath(import.meta.url));
const CONFORMANCE_CLI = resolve(here, '..', '..', '..', 'conformance', 'dist', 'cli.js');

describe('reqsign --help and usage errors', () => {
  // Every group and command of SCHEMES, and the commands outside the groups.
  const groups = SCHEMES.flatMap((s) => (s.command === undefined || s.cli === undefined ? [] : [[s.command, s.cli] as const]));
  const commands = [
    [],
    ...groups.map(([g]) => [g]),
    ...groups.flatMap(([g, cli]) => Object.keys(cli.commands).map((c) => [g, c])),
    ['conformance'],
  ];

  it('prints help on stdout and exits 0 for --help and -h on every command', () => {
    for (const command of commands) {
      for (const flag of ['--help', '-h']) {
        const r = reqsign([...command, flag]);
        expect(r.status, `${command.join(' ')} ${flag}`).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(/^Usage: reqsign/);
        if (command.length === 2) expect(r.stdout).toContain(`reqsign ${command.join(' ')}`);
      }
    }
  });

  it('lists every option a command accepts in its help', () => {
    const flags: Record<string, string[]> = {
      'nog sign': ['--date', '--expires', '--nonce', '--no-nonce', 'NOG_KEYID', 'NOG_SECRETKEY'],
      'nog verify': ['--now', '--keys'],
      'nops sign': ['--api-key', '--private-key', '--date', '--api-key-in', '--curl', 'NOPS_API_KEY', 'NOPS_PRIVATE_KEY_FILE'],
      'nops verify': ['--public-key', '--api-key', '--date', '--signature'],
      'nops keygen': ['--bits', '--out'],
      conformance: ['--impl', '--filter', '--vectors', '--report', '--timeout', '--strict', '--quiet'],
    };
    for (const [command, names] of Object.entries(flags)) {
      const help = reqsign([...command.split(' '), '--help']).stdout;
      for (const name of names) expect(help, `${command} ${name}`).toContain(name);
    }
  });

  it('answers a bad command line with one line on stderr and exit 2', () => {
    expect(expectUsageError(reqsign([]))).toMatch(/missing command/);
    expect(expectUsageError(reqsign(['sign']))).toMatch(/unknown command "sign"/);
    expect(expectUsageError(reqsign(['nog']))).toMatch(/missing command after "nog"/);
    expect(expectUsageError(reqsign(['nog', 'keygen']))).toMatch(/unknown command "nog keygen"/);
    expect(expectUsageError(reqsign(['nops', 'constructor']))).toMatch(/unknown command/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--frobnicate', 'GET', '/p']))).toMatch(
      /^reqsign nog sign: unknown option "--frobnicate"\n$/,
    );
    expect(expectUsageError(reqsign(['nog', 'sign', '--expires', 'GET', '/p']))).toMatch(/--expires/);
  });

  it('runs in-process through main(argv, io) with the same results', async () => {
    let out = '';
    let err = '';
    const io = {
      stdout: (t: string) => {
        out += t;
      },
      stderr: (t: string) => {
        err += t;
      },
      env: { NOG_KEYID: 'k', NOG_SECRETKEY: 's' },
    };
    expect(await main(['nog', 'sign', '--no-nonce', '--date', '2015-04-20T12:34:56Z', 'GET', '/p'], io)).toBe(0);
    expect(out).toMatch(/^\/p\?authalgorithm=nog-v1&authkeyid=k&authdate=2015-04-20T123456Z&authexpires=600&authsignature=[0-9a-f]{64}\n$/);
    expect(err).toBe('');
    expect(await main(['nog', 'verify', 'GET', '/p'], { ...io, env: {} })).toBe(2);
    expect(err).toBe('reqsign nog verify: give --keys FILE or set NOG_KEYID and NOG_SECRETKEY\n');
  });
});

describe('reqsign conformance', () => {
  it('delegates to the conformance runner with the same flags: same output, same exit status', () => {
    // The same port for both: without --impl, reqsign conformance also runs reqsign's own packages.
    const python = resolve(here, '..', '..', '..', 'conformance', 'ports', 'python', 'reqsign_port.py');
    const args = ['--filter', 'canonical-target', '--quiet', '--impl', `python3 ${JSON.stringify(python)}`];
    const ours = reqsign(['conformance', ...args]);
    const theirs = spawnSync(process.execPath, [CONFORMANCE_CLI, ...args], { encoding: 'utf8' });
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.status).toBe(theirs.status);
    expect(ours.stdout).toMatch(/\d+ passed, \d+ failed\n$/);
    const bad = reqsign(['conformance', '--timeout', 'soon']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--timeout/);
  });
});

describe('reqsign conformance as a process', () => {
  const fake = (...options: string[]) =>
    [process.execPath, resolve(here, '..', '..', '..', 'conformance', 'test', 'fixtures', 'fake-port.mjs'), ...options]
      .map((a) => JSON.stringify(a))
      .join(' ');

  it('`| head`: ends quietly with 141 when the reader goes away (no EPIPE stack trace)', () => {
    // Failures first, then a request that times out after 1 s, then more output: by then head has gone.
    const args = [
      'conformance',
      '--filter',
      'canonical-encoding-00',
      '--impl',
      fake('--wrong-answer-on=canonical-encoding-001'),
      '--impl',
      fake('--hang-on=canonical-encoding-002'),
      '--timeout',
      '1000',
    ];
    const dir = tempDir();
    const err = `${dir.path}/stderr`;
    const r = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "$@" 2>"$ERR" | head -n 1 >/dev/null; echo $?`, 'sh', process.execPath, CLI, ...args],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ERR: err } },
    );
    expect(r.stdout).toBe('141\n');
    expect(readFileSync(err, 'utf8')).toBe('');
    dir.remove();
  });

  it('exits after the run although the port left a process in a session of its own holding stdout', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'conformance', '--filter', 'canonical-encoding-001', '--impl', fake('--setsid-child'), '--quiet'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.stdout).toBe('1 passed, 0 failed\n');
    expect(r.status).toBe(0);
  });
});

describe('one command group per scheme', () => {
  it('has a group, with help, for every scheme in SCHEMES that names a command, and no other', async () => {
    const { SCHEMES } = await import('@reqsign/conformance/portable');
    const { GROUPS } = await import('../src/main.js');
    const commands = SCHEMES.flatMap((s) => (s.command === undefined ? [] : [s.command]));
    expect(Object.keys(GROUPS).sort()).toEqual([...commands].sort());
    for (const c of commands) {
      const help = reqsign([c, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toBe(GROUPS[c]!.help);
    }
  });

  it('has the code of every command of SCHEMES (LOADERS), and none that SCHEMES does not list', async () => {
    const { SCHEMES } = await import('@reqsign/conformance/portable');
    const { LOADERS } = await import('../src/main.js');
    const listed = SCHEMES.flatMap((s) =>
      s.command === undefined || s.cli === undefined ? [] : Object.keys(s.cli.commands).map((c) => `${s.command} ${c}`),
    );
    const missing = listed.filter((c) => !(c in LOADERS));
    expect(missing, `add to packages/cli/src/main.ts's LOADERS: ${missing.map((c) => `'${c}': async () => ...`).join(', ')}`).toEqual([]);
    expect(Object.keys(LOADERS).filter((c) => !listed.includes(c))).toEqual([]);
    // Each loads a command.
    for (const c of listed) expect(typeof (await LOADERS[c]!())).toBe('function');
  });

  it('lists every command of every group in the top-level help, with its options (test/feedback.test.ts checks each)', async () => {
    const { SCHEMES } = await import('@reqsign/conformance/portable');
    const help = reqsign(['--help']).stdout;
    for (const s of SCHEMES) {
      for (const c of Object.keys(s.cli?.commands ?? {})) expect(help).toContain(`\n  ${s.command} ${c} `);
      if (s.cli !== undefined) expect(help).toContain(s.cli.about);
    }
  });
});
