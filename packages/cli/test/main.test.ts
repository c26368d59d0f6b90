import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMES } from '@reqsign/conformance/schemes';
import { bundle } from '../scripts/bundle.mjs';
import { closest } from '@reqsign/canonical';
import { quote } from '../src/internal/text.js';
import { CLI, expectUsageError, reqsign } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const ENV = { NOG_KEYID: '0123456789abcdef0123', NOG_SECRETKEY: '0123456789abcdef0123456789abcdef01234567' };

describe('reqsign --version', () => {
  it("prints the package's version and a newline, for --version and -V", () => {
    const { version } = JSON.parse(readFileSync(resolve(here, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(reqsign([flag])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    expect(reqsign(['--help']).stdout).toContain('--version');
  });
});

describe('did you mean', () => {
  it('suggests the command or option a misspelling most likely meant', () => {
    expect(expectUsageError(reqsign(['ngo', 'sign']))).toBe('reqsign: unknown command "ngo" (did you mean nog?) (try reqsign --help)\n');
    expect(expectUsageError(reqsign(['conformence']))).toMatch(/did you mean conformance\?/);
    expect(expectUsageError(reqsign(['nog', 'sing', 'GET', '/p']))).toMatch(
      /^reqsign nog: unknown command "nog sing" \(did you mean sign\?\)/,
    );
    expect(expectUsageError(reqsign(['nops', 'keygn']))).toMatch(/did you mean keygen\?/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--expirse', '3', 'GET', '/p'], ENV))).toBe(
      'reqsign nog sign: unknown option "--expirse" (did you mean --expires?)\n',
    );
    expect(expectUsageError(reqsign(['nops', 'sign', '--privatekey', 'k', '/x/']))).toMatch(/did you mean --private-key\?/);
    expect(expectUsageError(reqsign(['nog', 'verify', '--no', 'GET', '/p']))).toMatch(/did you mean --now\?/);
    expect(expectUsageError(reqsign(['nog', 'sign', '-x', 'GET', '/p'], ENV))).toBe('reqsign nog sign: unknown option "-x"\n');
    // Nothing close: no guess.
    expect(expectUsageError(reqsign(['frobnicate']))).toBe('reqsign: unknown command "frobnicate" (try reqsign --help)\n');
    expect(expectUsageError(reqsign(['nog', 'sign', '--zzzzzz', 'GET', '/p'], ENV))).toBe('reqsign nog sign: unknown option "--zzzzzz"\n');
  });

  it('finds every candidate from any one edit of it, and never guesses a word far from all', () => {
    const candidates = ['sign', 'verify', 'keygen', '--expires', '--private-key', 'conformance'];
    fc.assert(
      fc.property(fc.constantFrom(...candidates), fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), (word, at, edit) => {
        const i = at % word.length;
        const typo =
          edit === 'insert'
            ? `${word.slice(0, i)}q${word.slice(i)}`
            : edit === 'delete'
              ? word.slice(0, i) + word.slice(i + 1)
              : `${word.slice(0, i)}q${word.slice(i + 1)}`;
        if (typo === '' || candidates.includes(typo)) return;
        expect(closest(typo, candidates)).toBe(word);
      }),
    );
    expect(closest('xyzzy', candidates)).toBeUndefined();
  });
});

describe('one line per error, whatever was typed', () => {
  it('quotes a command holding a newline or an escape sequence (it was echoed raw over two lines)', () => {
    expect(expectUsageError(reqsign(['a\nb']))).toBe('reqsign: unknown command "a\\nb" (try reqsign --help)\n');
    expect(expectUsageError(reqsign(['nog', 'x\ny']))).toBe('reqsign nog: unknown command "nog x\\ny" (try reqsign nog --help)\n');
    expect(expectUsageError(reqsign(['nog', 'sign', '--a\nb', 'GET', '/p']))).toMatch(/unknown option "--a\\nb"/);
    expect(expectUsageError(reqsign(['\u001b[2J\u009b\u202e']))).toBe(
      'reqsign: unknown command "\\u001b[2J\\u009b\\u202e" (try reqsign --help)\n',
    );
  });

  it('quote() always gives one line without a control, C1 or bidi character, that reads back as the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const q = quote(text);
        expect(q).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        expect(JSON.parse(q)).toBe(text);
      }),
    );
  });
});

describe('group help', () => {
  it('nog --help and nops --help have one shape: usage, a title, the commands with a summary each, a pointer', () => {
    for (const [group, commands] of [
      ['nog', ['sign', 'verify', 'explain']],
      ['nops', ['sign', 'verify', 'explain', 'keygen']],
    ] as const) {
      const help = reqsign([group, '--help']).stdout;
      const lines = help.split('\n');
      expect(lines[0]).toBe(`Usage: reqsign ${group} <${commands.join('|')}> [options]`);
      expect(lines[4]).toBe('Commands:');
      expect(lines.slice(5, 5 + commands.length).map((l) => l.trim().split(/\s+/)[0])).toEqual([...commands]);
      expect(help.endsWith(`Run "reqsign ${group} <command> --help" for its options.\n`)).toBe(true);
    }
  });
});

describe('start-up: a run loads the dispatcher and its own command, nothing else', () => {
  const ROOT = resolve(here, '..', '..', '..');

  /** The repository files a run of the shipped bin loaded, from V8's coverage of it. */
  function filesLoaded(args: readonly string[]): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'reqsign-coverage-'));
    try {
      const r = spawnSync(process.execPath, [CLI, ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...ENV, NODE_V8_COVERAGE: dir },
      });
      expect(r.status, r.stderr).toBe(0);
      return readdirSync(dir)
        .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { result: Array<{ url: string }> }).result)
        .filter((s) => s.url.startsWith('file:'))
        .map((s) => fileURLToPath(s.url))
        .filter((f) => f.startsWith(ROOT))
        .map((f) => f.slice(ROOT.length + 1))
        .sort();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('opens the bin, the dispatcher and the bundle of the command it runs: no module of a package', () => {
    const base = ['packages/cli/bin/reqsign.cjs', 'packages/cli/dist/reqsign.cjs'];
    const cases: Array<[readonly string[], string | undefined]> = [
      [['nog', 'sign', 'GET', '/p'], 'nogSign'],
      [['nops', 'keygen', '--bits', '1024'], 'nopsKeygen'],
      [['--version'], undefined],
      [['--help'], undefined],
      [['nog', '--help'], undefined],
    ];
    for (const [args, command] of cases) {
      expect(filesLoaded(args), args.join(' ')).toEqual(
        command === undefined ? base : [...base, `packages/cli/dist/commands/${command}.cjs`].sort(),
      );
    }
  });

  // What each bundle holds, from esbuild's metafile of the same build: module paths relative to the package.
  const dev = mkdtempSync(join(tmpdir(), 'reqsign-bundle-'));
  let inputs: Record<string, string[]> = {};
  beforeAll(async () => {
    const results = await bundle({ outdir: dev, metafile: true });
    inputs = Object.fromEntries(
      results.flatMap((r) => Object.entries(r.metafile!.outputs).map(([out, o]) => [basename(out, '.cjs'), Object.keys(o.inputs)])),
    );
  });
  afterAll(() => rmSync(dev, { recursive: true, force: true }));
  const of = (modules: readonly string[] | undefined, pkg: string) => (modules ?? []).filter((m) => m.startsWith(`../${pkg}/`));
  const commandsIn = (modules: readonly string[] | undefined) => (modules ?? []).filter((m) => m.includes('dist/commands/'));

  it('the dispatcher holds no scheme code and no command', () => {
    expect(inputs.reqsign).toContain('dist/main.js');
    // Of other packages only SCHEMES, the manifest the groups and help are made from, the conformance runner's option
    // table (for the top-level help): data, no code of a scheme or of the runner; and canonical's did-you-mean (one
    // copy for the CLI and the packages' option checks; index.js only re-exports it).
    const allowed = [
      'conformance/dist/schemes.js',
      'conformance/dist/options.js',
      'canonical/dist/suggest.js',
      'canonical/dist/errors.js',
      'canonical/dist/index.js',
    ];
    expect(
      (inputs.reqsign ?? []).filter((m) => (m.startsWith('../') || m.includes('node_modules')) && !allowed.some((a) => m.endsWith(a))),
    ).toEqual([]);
    expect(commandsIn(inputs.reqsign)).toEqual([]);
  });

  it('a command holds its own scheme and nothing of another command, scheme, the conformance runner or ajv', () => {
    // The command bundles are the groups' commands of SCHEMES (nog sign: nogSign), and conformance.
    const schemeOf = new Map(
      SCHEMES.flatMap((s) =>
        s.command === undefined || s.cli === undefined
          ? []
          : Object.keys(s.cli.commands).map((c) => [`${s.command}${c[0]!.toUpperCase()}${c.slice(1)}`, s] as const),
      ),
    );
    const packageDir = (s: { package: string }) => s.package.replace('@reqsign/', '');
    expect(Object.keys(inputs).sort()).toEqual(['conformance', 'reqsign', ...schemeOf.keys()].sort());
    for (const [name, modules] of Object.entries(inputs)) {
      if (name === 'reqsign') continue;
      const info = schemeOf.get(name);
      const scheme = info === undefined ? undefined : packageDir(info);
      // Its own module, and at most a part another command of its scheme shares (nog explain reads keys as nog verify).
      expect(commandsIn(modules), name).toContain(`dist/commands/${name}.js`);
      expect(
        commandsIn(modules).filter(
          (m) => m !== `dist/commands/${name}.js` && (info === undefined || !m.startsWith(`dist/commands/${info.command}`)),
        ),
        name,
      ).toEqual([]);
      expect(
        modules.filter((m) => /conformance\/|ajv/.test(m)),
        name,
      ).toEqual([]);
      for (const other of SCHEMES.filter((s) => s.command !== undefined).map(packageDir)) {
        if (other !== scheme) expect(of(modules, other), `${name} holds ${other}`).toEqual([]);
      }
      if (scheme !== undefined) expect(of(modules, scheme).length, name).toBeGreaterThan(0);
    }
    expect(of(inputs.nogSign, 'nog')).toContain('../nog/dist/sign.js');
    expect(of(inputs.nopsKeygen, 'nops')).toContain('../nops/dist/generateKeyPair.js');
  });
});
