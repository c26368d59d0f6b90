import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest } from '../src/internal/suggest.js';
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

describe('start-up: a command loads only its own code', () => {
  /** The modules a run of `reqsign ARGS` loaded, as paths under the repository (a loader hook records them). */
  function loaded(args: readonly string[]): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'reqsign-imports-'));
    const file = join(dir, 'imports.txt');
    const r = spawnSync(process.execPath, ['--import', resolve(here, 'fixtures', 'record-imports.mjs'), CLI, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...ENV, REQSIGN_IMPORTS: file },
    });
    const urls = readFileSync(file, 'utf8').trim().split('\n');
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    return urls.map((u) => (u.startsWith('file://') ? fileURLToPath(u) : u));
  }
  const inPackage = (files: readonly string[], pkg: string) => files.filter((f) => f.includes(`/${pkg}/`) && !f.includes('/cli/'));

  it('nog sign loads @reqsign/nog and canonical, not nops, the conformance runner or ajv', () => {
    const files = loaded(['nog', 'sign', 'GET', '/p']);
    expect(inPackage(files, 'nog').length).toBeGreaterThan(0);
    expect(inPackage(files, 'nops')).toEqual([]);
    expect(files.filter((f) => /conformance|ajv/.test(f))).toEqual([]);
    expect(files.filter((f) => f.includes('/commands/')).map((f) => f.split('/').pop())).toEqual(['nogSign.js']);
  });

  it('nops keygen loads @reqsign/nops, not nog, the conformance runner or ajv', () => {
    const files = loaded(['nops', 'keygen', '--bits', '1024']);
    expect(inPackage(files, 'nops').length).toBeGreaterThan(0);
    expect(inPackage(files, 'nog')).toEqual([]);
    expect(files.filter((f) => /conformance|ajv/.test(f))).toEqual([]);
  });

  it('help and --version load no scheme package at all', () => {
    for (const args of [['--help'], ['--version'], ['nog', '--help'], ['nops', '--help']]) {
      const files = loaded(args);
      expect(
        files.filter((f) => /\/(nog|nops|canonical|conformance)\/|ajv/.test(f) && !f.includes('/cli/')),
        args.join(' '),
      ).toEqual([]);
    }
  });
});
