import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatFailure,
  formatFailures,
  formatTable,
  formatTotals,
  runImplementation,
  toJson,
  toJUnit,
  totals,
  type CaseResult,
  type ImplementationReport,
} from '../src/index.js';
import { printable } from '../src/internal/printable.js';
import { cli, CONFORMANCE, encodingDir, encodingFile, fake } from './helpers.js';

const CLI_JS = join(CONFORMANCE, 'bin', 'reqsign-conformance.js');
import { parseJUnit } from './xml.js';

const file = encodingFile();
const ids = file.cases.map((c) => c.id);

async function reports(): Promise<ImplementationReport[]> {
  const good = await runImplementation({ name: 'good <port>', command: fake() }, [file]);
  // One wrong answer (with XML-hostile characters), one crash, one unsupported.
  const bad = await runImplementation(
    { name: 'bad & "port"', command: fake(`--wrong-answer-on=${ids[2]}`, `--crash-on=${ids[3]}`, `--unsupported-on=${ids[5]}`) },
    [file],
  );
  return [good, bad];
}

/** Characters that break terminals or XML, mixed with any code point and lone surrogate halves. */
const hostileChar = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\u0001',
    '\u0007',
    '\t',
    '\n',
    '\r',
    '\u001b',
    '\u001b[2J',
    '\u007f',
    '\u0085',
    '\u009b',
    '\u202e',
    '\u2066',
    '\ufeff',
    '\ufffe',
    '\uffff',
    '\ud800',
    '\udfff',
    '<',
    '&',
    '>',
    '"',
    "'",
    ']]>',
    '&amp;',
    'a',
  ),
  fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
const hostile = fc.string({ unit: hostileChar, maxLength: 40 });

/** No character a terminal acts on, and none that XML 1.0 forbids. */
const SAFE = /^(?:[\t\n\u0020-\u007e\u00a0-\u2029\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd]|[\ud800-\udbff][\udc00-\udfff])*$/;

describe('reports', () => {
  it('the console output: failures with their stage, a table, N passed, N failed', async () => {
    const [good, bad] = await reports();
    const wrong = bad!.results.find((r) => r.id === ids[2])!;
    expect(formatFailure(bad!.name, wrong)).toBe(
      [
        `FAIL bad & "port" canonical-encoding/${ids[2]}: stage "text" differs`,
        '  expected: "Zm8="',
        `  actual:   "Zm8=<&>\\"'\\u0001"`,
        '                 ^ first difference at character 5',
      ].join('\n'),
    );
    expect(formatFailure(bad!.name, bad!.results.find((r) => r.id === ids[3])!)).toMatch(
      /^FAIL .*: port fault \(crash\)\n {2}detail: {3}the port exited with code 3/,
    );
    const table = formatTable([file], [good!, bad!]).split('\n');
    expect(table[0]).toMatch(/^vectors\s+scheme\s+operation\s+cases\s+good <port>\s+bad & "port"$/);
    expect(table[2]).toMatch(/^canonical-encoding\s+canonical\s+encoding\s+7\s+7\/7\s+4\/7 2 FAILED 1 unsupported$/);
    expect(table[3]).toMatch(/^total\s+7\s+7\/7\s+4\/7 2 FAILED$/);
    expect(formatTotals([good!, bad!])).toBe('11 passed, 2 failed, 1 unsupported');
  });

  it('JSON: parses, with the mode, totals and every case result', async () => {
    const rs = await reports();
    const json = JSON.parse(toJson([file], rs)) as {
      strict: boolean;
      passed: number;
      failed: number;
      unsupported: number;
      vectors: unknown[];
      implementations: ImplementationReport[];
    };
    expect({ strict: json.strict, passed: json.passed, failed: json.failed, unsupported: json.unsupported }).toEqual({
      strict: false,
      passed: 11,
      failed: 2,
      unsupported: 1,
    });
    expect(json.vectors).toEqual([
      { name: 'canonical-encoding', scheme: 'canonical', operation: 'encoding', version: file.version, cases: 7 },
    ]);
    expect(json.implementations.map((i) => i.results.length)).toEqual([7, 7]);
    expect(json.implementations[1]!.results.find((r) => r.id === ids[2])).toMatchObject({
      status: 'fail',
      stage: 'text',
      expected: 'Zm8=',
    });
    expect(json.implementations[0]!.hello).toMatchObject({ protocol: 'reqsign-conformance/1', name: 'fake' });
  });

  it('JUnit XML: well formed (a strict XML parser reads it), with the right counts', async () => {
    const xml = parseJUnit(toJUnit([file], await reports()));
    expect(xml.root).toMatchObject({ name: 'reqsign-conformance', tests: '14', failures: '2', skipped: '1' });
    expect(xml.suites).toEqual([
      { name: 'good <port> canonical-encoding', tests: '7', failures: '0', skipped: '0' },
      { name: 'bad & "port" canonical-encoding', tests: '7', failures: '2', skipped: '1' },
    ]);
    expect([xml.testcases.length, xml.failures.length, xml.skipped]).toEqual([14, 2, 1]);
    expect(xml.failures[0]!.text).toContain(`actual:   "Zm8=<&>\\"'\\u0001"`);
  });

  it('JUnit XML stays well-formed whatever a port writes (names, ids, messages, values), and says what it wrote', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, fc.jsonValue(), (name, id, detail, actual, value) => {
        const result: CaseResult = { file: file.name, id, status: 'fail', stage: 'port:crash', detail, expected: value, actual };
        const report: ImplementationReport = {
          name,
          command: 'x',
          results: [result, { file: file.name, id: `${id}2`, status: 'unsupported' }],
          durationMs: 0,
          strict: false,
        };
        const xml = parseJUnit(toJUnit([file], [report]));
        expect(xml.testcases.map((t) => t.name)).toEqual([
          printable(id).replace(/[\n\t]/g, (c) => `\\u000${c === '\n' ? 'a' : '9'}`),
          expect.any(String),
        ]);
        expect(xml.failures).toHaveLength(1);
        // The failure text is the console's failure text, escaped the same way; nothing in it a terminal acts on.
        expect(xml.failures[0]!.text).toBe(formatFailure(name, result));
        expect(xml.failures[0]!.text).toMatch(SAFE);
        expect(formatFailure(name, result)).toContain(printable(detail).split('\n')[0]!);
      }),
      { numRuns: 300 },
    );
  });

  it("console failure lines carry no raw escape sequences or controls, and a port's stderr cannot pass for a report line", () => {
    fc.assert(
      fc.property(hostile, hostile, (detail, actual) => {
        const text = formatFailure('p', { file: 'f', id: 'i', status: 'fail', stage: 'port:crash', detail, actual });
        expect(text).toMatch(SAFE);
        for (const line of text.split('\n').slice(1)) expect(line).toMatch(/^ {2}/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('reports from a real port that writes hostile text', () => {
  it('escape sequences, U+FFFE, U+FFFF and lone surrogates: shown escaped on the console, well-formed JUnit', async () => {
    const out = mkdtempSync(join(tmpdir(), 'reqsign-hostile-'));
    const run = await cli([
      '--vectors',
      encodingDir(),
      '--impl',
      fake('--error-on=canonical-encoding-002'),
      '--report',
      join(out, 'r.xml'),
      '--report',
      join(out, 'r.json'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(SAFE);
    expect(run.stdout).toContain(
      '  detail:   bad \\u001b[2J\\u001b]0;owned\\u0007 \\ufffe \\uffff \\ud800 \\udfff \\u0000 \\u0085 \\u202e <&>"\' ]]>',
    );
    const xml = parseJUnit(readFileSync(join(out, 'r.xml'), 'utf8'));
    expect(xml.failures[0]!.text).toContain('bad \\u001b[2J\\u001b]0;owned\\u0007 \\ufffe \\uffff \\ud800 \\udfff');
    // The JSON report keeps what the port wrote, as JSON escapes.
    const json = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as { implementations: ImplementationReport[] };
    expect(json.implementations[0]!.results[1]!.detail).toBe(
      'bad \u001b[2J\u001b]0;owned\u0007 \uFFFE \uFFFF \ud800 \udfff \u0000 \u0085 \u202e <&>"\' ]]>',
    );
  });
});

describe('--strict', () => {
  it('unsupported cases are failures everywhere: the FAIL line, the table, the closing line, JSON (with the mode) and JUnit', async () => {
    const out = mkdtempSync(join(tmpdir(), 'reqsign-strict-'));
    const run = await cli([
      '--vectors',
      encodingDir(),
      '--impl',
      fake(`--unsupported-on=${ids[1]}`),
      '--strict',
      '--report',
      join(out, 'r.xml'),
      '--report',
      join(out, 'r.json'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`FAIL fake canonical-encoding/${ids[1]}: unsupported by the port (strict)`);
    expect(run.stdout).toMatch(/^canonical-encoding\s+canonical\s+encoding\s+7\s+6\/7 1 FAILED$/m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('6 passed, 1 failed');
    expect(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'))).toMatchObject({ strict: true, passed: 6, failed: 1, unsupported: 0 });
    const xml = parseJUnit(readFileSync(join(out, 'r.xml'), 'utf8'));
    expect(xml.root).toMatchObject({ tests: '7', failures: '1', skipped: '0' });
    expect(xml.skipped).toBe(0);
    expect(xml.failures[0]!.message).toBe('unsupported by the port (strict)');
    // Without --strict the same run passes, with the case apart.
    const lax = await cli(['--vectors', encodingDir(), '--impl', fake(`--unsupported-on=${ids[1]}`), '--report', join(out, 'lax.json')]);
    expect(lax.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'lax.json'), 'utf8'))).toMatchObject({ strict: false, passed: 6, failed: 0, unsupported: 1 });
  });
});

describe('implementations with the same name', () => {
  it('two ports whose hellos give the same name: distinct columns, JSON names and testsuite names', async () => {
    const out = mkdtempSync(join(tmpdir(), 'reqsign-names-'));
    const run = await cli([
      '--vectors',
      encodingDir(),
      '--impl',
      fake(),
      '--impl',
      fake(`--crash-on=${ids[0]}`),
      '--report',
      join(out, 'r.xml'),
      '--report',
      join(out, 'r.json'),
    ]);
    expect(run.stdout).toMatch(/^vectors\s+scheme\s+operation\s+cases\s+fake\s+fake \(2\)$/m);
    expect(run.stdout).toContain(`FAIL fake (2) canonical-encoding/${ids[0]}: port fault (crash)`);
    const json = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as { implementations: ImplementationReport[] };
    expect(json.implementations.map((i) => i.name)).toEqual(['fake', 'fake (2)']);
    expect(parseJUnit(readFileSync(join(out, 'r.xml'), 'utf8')).suites.map((s) => s.name)).toEqual([
      'fake canonical-encoding',
      'fake (2) canonical-encoding',
    ]);
    // The library's JUnit does the same for reports it is handed under one name.
    const [a] = await reports();
    expect(parseJUnit(toJUnit([file], [a!, a!])).suites.map((s) => s.name)).toEqual([
      'good <port> canonical-encoding',
      'good <port> (2) canonical-encoding',
    ]);
  });

  it('two --impl with the same NAME= label are refused before anything runs (exit 2)', async () => {
    const run = await cli(['--vectors', encodingDir(), '--impl', `mine=${fake()}`, '--impl', `mine=${fake('--crash-on=x')}`]);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'reqsign-conformance: two --impl are labelled "mine": give each a NAME of its own\n',
    });
  });
});

describe('where two strings first differ', () => {
  const failure = (expected: unknown, actual: unknown): CaseResult => ({
    file: 'f',
    id: 'i',
    status: 'fail',
    stage: 'target',
    expected,
    actual,
  });

  it('puts a caret under the first differing character, and says which one it is', () => {
    const [, e, a, caret] = formatFailure('p', failure('/p?&authalgorithm=nog-v1', '/p??authalgorithm=nog-v1')).split('\n');
    expect(e).toBe('  expected: "/p?&authalgorithm=nog-v1"');
    expect(a).toBe('  actual:   "/p??authalgorithm=nog-v1"');
    expect(caret).toBe('                ^ first difference at character 4');
    expect(caret!.indexOf('^')).toBe(e!.indexOf('&'));
  });

  it('shows the part around a difference far into a long string (it was cut off at 400 characters before)', () => {
    const base = `/p?${'x'.repeat(1000)}`;
    const lines = formatFailure('p', failure(`${base}A`, `${base}B`)).split('\n');
    expect(lines[1]).toMatch(/^ {2}expected: \.\.\."x{40}A"$/);
    expect(lines[2]).toMatch(/^ {2}actual: {3}\.\.\."x{40}B"$/);
    expect(lines[3]!.indexOf('^')).toBe(lines[1]!.indexOf('A'));
    expect(lines[3]).toContain('character 1004');
  });

  it('lines the caret up under escaped text, for any two strings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: hostileChar, maxLength: 60 }),
        fc.string({ unit: hostileChar, maxLength: 5 }),
        fc.string({ maxLength: 5 }),
        (common, x, y) => {
          const [e, a] = [common + x, common + y];
          fc.pre(e !== a);
          const lines = formatFailure('p', failure(e, a)).split('\n');
          const at = lines[3]!.indexOf('^');
          // What is shown before the caret is the same in both lines (the escaped common part), and differs at it.
          expect(lines[1]!.slice(12, at)).toBe(lines[2]!.slice(12, at));
          expect(lines[1]!.slice(at)).not.toBe(lines[2]!.slice(at));
          let i = 0;
          while (e[i] === a[i]) i++;
          if (/[\ud800-\udbff]/.test(e[i - 1] ?? '')) i--;
          expect(lines[3]).toContain(`character ${i + 1}`);
          for (const l of lines) expect(l).toMatch(SAFE);
        },
      ),
    );
  });

  it('keeps the plain expected/actual lines for values that are not two strings', () => {
    expect(formatFailure('p', failure(['ERR_A', 'ERR_B'], 'ERR_C')).split('\n')).toHaveLength(3);
  });
});

describe('a port that cannot start', () => {
  it('is one FAIL block for all its cases, not one per case; the counts stay per case', async () => {
    const report = await runImplementation({ name: 'gone', command: 'exit 3' }, [file]);
    expect(report.startFault).toMatchObject({ fault: 'crash' });
    expect(totals([report])).toEqual({ passed: 0, failed: 7, unsupported: 0 });
    const blocks = formatFailures('gone', report);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toBe(
      'FAIL gone: port fault (crash): the port could not be started, so 7 cases failed without being sent\n  detail:   no hello: the port exited with code 3',
    );
  });

  it('prints one block through the CLI too', async () => {
    const run = await cli(['--impl', 'gone=exit 3', '--vectors', encodingDir(), '--quiet']);
    expect(run.stdout.match(/^FAIL/gm)).toHaveLength(1);
    expect(run.stdout).toMatch(/could not be started, so \d+ cases failed without being sent/);
    expect(run.code).toBe(1);
  });

  it('a working port keeps one block per failure', async () => {
    const [, bad] = await reports();
    expect(formatFailures(bad!.name, bad!)).toHaveLength(2);
  });
});

describe('colour', () => {
  it('marks FAIL and the totals only when asked', async () => {
    const [good, bad] = await reports();
    const wrong = bad!.results.find((r) => r.id === ids[2])!;
    expect(formatFailure('p', wrong, { colour: true })).toMatch(/^\u001b\[31mFAIL\u001b\[0m p /);
    expect(formatFailure('p', wrong)).not.toContain('\u001b');
    expect(formatTotals([good!, bad!], { colour: true })).toBe('\u001b[32m11 passed\u001b[0m, \u001b[31m2 failed\u001b[0m, 1 unsupported');
    expect(formatTotals([good!], { colour: true })).toBe('\u001b[32m7 passed\u001b[0m, 0 failed');
  });

  it('is on for a terminal and off in a pipe or with NO_COLOR (the CLI run under a pseudo-terminal)', async () => {
    const args = ['--impl', 'gone=exit 3', '--vectors', encodingDir(), '--quiet'];
    const piped = await cli(args);
    expect(piped.stdout).not.toContain('\u001b[');
    const tty = (env: Record<string, string>) =>
      execFileSync('python3', ['-c', 'import pty, sys; pty.spawn(sys.argv[1:])', process.execPath, CLI_JS, ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...env },
      });
    expect(tty({})).toContain('\u001b[31mFAIL\u001b[0m');
    expect(tty({ NO_COLOR: '1' })).not.toContain('\u001b[');
  });
});
