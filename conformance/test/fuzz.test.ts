import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generators, ZONES_NEWER_THAN_2017C } from '../src/fuzz-inputs.js';
import { fuzz, judge, loadVectors, main } from '../src/index.js';
import { PYTHON_PORT } from './helpers.js';
import { requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3', 'tzdata');

const python = `python3 ${JSON.stringify(PYTHON_PORT)}`;

/** A copy of the Python port with one line changed; fails the test if the line is not there exactly once. */
function planted(line: string, deviation: string): string {
  const source = readFileSync(PYTHON_PORT, 'utf8');
  expect(source.split(line).length - 1, `the line to change: ${line}`).toBe(1);
  const path = join(mkdtempSync(join(tmpdir(), 'reqsign-planted-')), 'planted_port.py');
  writeFileSync(path, source.replace(line, deviation));
  return `python3 ${JSON.stringify(path)}`;
}

describe('the fuzz mode', () => {
  it('sends what PROTOCOL.md says it sends: schema breaks, options out of range or set, nOps URLs past the limit', async () => {
    const report = await fuzz({
      implementations: [
        { name: 'reference', command: python },
        { name: 'again', command: python },
      ],
      runs: 200,
      seed: 31,
    });
    expect(report.agreed).toBe(true);
    const codes = (op: string) => report.operations.find((o) => `${o.scheme}/${o.operation}` === op)!.codes['reference']!;
    // Each operation's input check is reached; each range and set check where the operation has one.
    for (const o of report.operations) expect(codes(`${o.scheme}/${o.operation}`)['ERR_VECTOR_INPUT'], o.operation).toBeGreaterThan(5);
    for (const op of ['canonical/target', 'nog-v1/sign', 'nog-v1/verify', 'nog-v1/verify-sequence']) {
      expect(codes(op)['ERR_OPTION_RANGE'], op).toBeGreaterThan(0);
    }
    for (const op of ['nops/sign', 'nops/verify']) {
      expect(codes(op)['ERR_INVALID_ARGUMENT'], op).toBeGreaterThan(5);
      expect(codes(op)['ERR_TARGET_TOO_LONG'], op).toBeGreaterThan(0);
    }
    // The inputs that break nothing are still most of them.
    expect(codes('canonical/query')['output']).toBeGreaterThan(100);
  }, 120_000);

  it('draws no zone name that a tz release after 2017c added (canonical.md: such a name is a zone only where the database holds it)', () => {
    const gens = generators(loadVectors());
    const newer = new Set(ZONES_NEWER_THAN_2017C.map((z) => z.toLowerCase()));
    const zones = new Set<string>();
    for (const op of ['canonical/date', 'nops/sign', 'nops/verify']) {
      for (const input of fc.sample(gens[op]!, { numRuns: 4000, seed: 5 })) {
        const date = input['date'];
        for (const z of [
          input['timeZone'],
          typeof date === 'object' && date !== null ? (date as Record<string, unknown>)['timeZone'] : undefined,
        ]) {
          if (typeof z === 'string') zones.add(z);
        }
      }
    }
    expect(zones.size).toBeGreaterThan(200);
    expect([...zones].filter((z) => newer.has(z.toLowerCase()))).toEqual([]);
    // The runtime's list holds some of them, so the filter is what keeps them out.
    const runtime = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
    expect(runtime.some((z) => newer.has(z.toLowerCase()))).toBe(true);
  });

  it('finds a one-line deviation planted in a copy of the Python port, shrinks it and writes a vector the schemas accept', async () => {
    // Epoch milliseconds truncated toward zero instead of floored: the bug one implementation had.
    const deviant = planted('    ms = math.floor(ms)\n', '    ms = int(ms)\n');
    const out = mkdtempSync(join(tmpdir(), 'reqsign-fuzz-out-'));
    const report = await fuzz({
      implementations: [
        { name: 'reference', command: python },
        { name: 'planted', command: deviant },
      ],
      operations: ['canonical/date'],
      runs: 2000,
      seed: 28,
      out,
    });
    const [op] = report.operations;
    expect(report.agreed).toBe(false);
    const d = op!.disagreement!;
    expect(d).toBeDefined();
    // Shrunk: the minimal input is a negative fraction of a day's milliseconds formatted, nothing else.
    expect(d.shrinks).toBeGreaterThan(0);
    const ms = d.input['epochMs'] as number;
    expect(ms < 0 && !Number.isInteger(ms)).toBe(true);
    expect(['epochMs', 'kind', 'timeZone']).toEqual(expect.arrayContaining(Object.keys(d.input)));
    expect(d.answers.map((a) => a.name)).toEqual(['reference', 'planted']);
    // The candidate vector loads (schemas, envelope, flags, ids) and holds the reference's answer as expected.
    const [file] = loadVectors(out);
    expect(file!.name).toBe('canonical-date');
    expect(file!.cases).toHaveLength(1);
    const c = file!.cases[0]!;
    expect(c.input).toEqual(d.input);
    expect(c.description).toContain('planted');
    expect(judge(c.expected, { type: 'response', id: c.id, ...(d.answers[0]!.answer as { output: Record<string, unknown> }) })).toEqual({
      pass: true,
    });
    expect(judge(c.expected, { type: 'response', id: c.id, ...(d.answers[1]!.answer as { output: Record<string, unknown> }) }).pass).toBe(
      false,
    );
    // Counted per code, for each implementation.
    expect(Object.keys(op!.codes)).toEqual(['reference', 'planted']);
    expect(op!.codes['reference']!['output']).toBeGreaterThan(0);
    // The same run over two unchanged copies finds nothing: the finding is the planted line's.
    const control = await fuzz({
      implementations: [{ command: python }, { command: planted('    ms = math.floor(ms)\n', '    ms = math.floor(ms)\n') }],
      operations: ['canonical/date'],
      runs: 2000,
      seed: 28,
    });
    expect(control.agreed).toBe(true);
    expect(control.operations[0]!.cases).toBe(2000);
  }, 120_000);

  it('finds a planted deviation in a nog-v1 verifier (a nonce kept past its deadline, by maxClockSkew)', async () => {
    const deviant = planted(
      'if not self.nonces.claim(p["keyId"], p["date"], nonce, deadline, now_ms):',
      'if not self.nonces.claim(p["keyId"], p["date"], nonce, deadline + self.skew_ms, now_ms):',
    );
    const report = await fuzz({
      implementations: [
        { name: 'reference', command: python },
        { name: 'planted', command: deviant },
      ],
      operations: ['nog-v1/verify-sequence'],
      runs: 2000,
      seed: 28,
    });
    const d = report.operations[0]!.disagreement!;
    expect(d).toBeDefined();
    expect(d.answers[0]!.answer).not.toEqual(d.answers[1]!.answer);
  }, 120_000);

  it('reqsign-conformance fuzz: replayable with --seed, exits 1 on a disagreement, prints cases/s and a histogram per operation', async () => {
    const deviant = planted('        ZONES = {name.lower(): name for name', '        ZONES = {name: name for name');
    const out = mkdtempSync(join(tmpdir(), 'reqsign-fuzz-cli-'));
    const run = async (seed: string) => {
      let stdout = '';
      const code = await main(
        [
          'fuzz',
          '--impl',
          `reference=${python}`,
          '--impl',
          `planted=${deviant}`,
          '--operation',
          'canonical/date',
          '--runs',
          '500',
          '--seed',
          seed,
          '--out',
          out,
        ],
        {
          io: { stdout: (t) => (stdout += t), stderr: (t) => (stdout += t) },
        },
      );
      return { code, stdout };
    };
    const first = await run('7');
    // --out: the candidate vector file, which the schemas accept.
    const [candidate] = loadVectors(out);
    expect(candidate!.name).toBe('canonical-date');
    expect(first.stdout).toContain(`candidate vector: ${join(out, 'canonical-date.json')}`);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^seed 7, 500 inputs per operation, reference \/ planted$/m);
    expect(first.stdout).toMatch(/canonical\/date: \d+ inputs, DISAGREE/);
    expect(first.stdout).toMatch(/^ {2}(output|ERR_[A-Z_]+) \d+/m);
    expect(first.stdout).toMatch(/\d+ inputs in [\d.]+ s, \d+ cases\/s: DISAGREEMENT/);
    const input = /input \(after \d+ shrinks\): (.*)/.exec(first.stdout)![1]!;
    expect(JSON.parse(input)).toMatchObject({ kind: 'day' });
    // The same seed finds the same input.
    const again = await run('7');
    expect(/input \(after \d+ shrinks\): (.*)/.exec(again.stdout)![1]).toBe(input);
  }, 120_000);

  it('refuses fewer than two implementations and unknown operations (exit 2)', async () => {
    let err = '';
    const io = { stdout: () => {}, stderr: (t: string) => (err += t) };
    expect(await main(['fuzz', '--impl', python], { io })).toBe(2);
    expect(err).toContain('at least two implementations');
    expect(await main(['fuzz', '--impl', python, '--impl', python, '--operation', 'nog-v1/refresh'], { io })).toBe(2);
    expect(err).toContain('no operation nog-v1/refresh');
    expect(await main(['fuzz', '--runs', '0', '--impl', python, '--impl', python], { io })).toBe(2);
  });
});
