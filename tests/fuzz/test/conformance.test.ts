import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as conformance from '@reqsign/conformance';
import * as portable from '@reqsign/conformance/portable';
import { afterAll, describe, expect, it } from 'vitest';
import { hostile, near, options, text } from './arbitraries.js';
import { expectClean, fuzz, isCodedError, unfuzzedExports } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'reqsign-fuzz-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'bad.json'), '{"scheme":');
writeFileSync(join(dir, 'not-a-vector.json'), '{"scheme":"nope","cases":[]}');

const FILES = conformance.loadVectors();
const CASES = FILES.flatMap((f) => f.cases);
const typeName = fc.constantFrom('string', 'number', 'boolean', 'object');
/** Expectations shaped as the schemas allow (the runner only judges loaded vectors), with any stages and codes. */
const expected = fc.oneof(
  fc.constantFrom(...CASES.map((c) => c.expected)),
  fc.record({ result: fc.constant('valid'), output: fc.dictionary(text, fc.jsonValue()) }),
  fc.record({ result: fc.constant('invalid'), error: text }),
  fc.record(
    { result: fc.constant('acceptable'), output: fc.dictionary(text, fc.jsonValue()), errors: fc.array(text) },
    { requiredKeys: ['result', 'errors'] },
  ),
);
/** What a port may send back, or anything at all: judged directly, any value must get a verdict. */
const response = near(
  fc.oneof(
    options({
      type: fc.constant('response'),
      id: text,
      output: near(
        fc.constantFrom(
          ...CASES.map((c) => c.expected)
            .filter((e) => 'output' in e)
            .map((e) => (e as { output: unknown }).output),
        ),
      ),
    }),
    options({ type: fc.constant('response'), id: text, error: options({ code: text, message: text }) }),
    options({ type: fc.constant('response'), id: text, unsupported: fc.boolean() }),
  ),
);
/**
 * Reports as the runner makes them: ids, names and details are strings (a port's hello name and its answers are any
 * text), what a port answered is any JSON value. The report functions take the runner's own reports, so they are
 * fuzzed with hostile contents, not with values of other types.
 */
const caseResult = fc.record(
  {
    file: fc.oneof(fc.constantFrom(...FILES.map((f) => f.name)), text),
    id: fc.oneof(fc.constantFrom(...CASES.slice(0, 20).map((c) => c.id)), text),
    status: fc.constantFrom('pass', 'fail', 'unsupported'),
    stage: text,
    expected: fc.jsonValue(),
    actual: fc.jsonValue(),
    detail: text,
  },
  { requiredKeys: ['file', 'id', 'status'] },
);
const report = fc.record(
  {
    name: text,
    command: text,
    results: fc.array(caseResult, { maxLength: 4 }),
    durationMs: fc.oneof(fc.nat(), fc.double()),
    strict: fc.boolean(),
    startFault: fc.record({ fault: fc.constantFrom('timeout', 'exit', 'protocol', 'crash'), detail: text }),
  },
  { requiredKeys: ['name', 'command', 'results', 'durationMs', 'strict'] },
);
const reports = fc.array(report, { maxLength: 3 });
const files = fc.oneof(fc.constant(FILES), fc.constant(FILES.slice(0, 1)), fc.constant([]));
const formatOptions = fc.record({ colour: fc.boolean(), quiet: fc.boolean(), strict: fc.boolean() }, { requiredKeys: [] });
/** Ports that misbehave at once: exit, never speak, say nothing that parses. */
const badPort = fc.constantFrom('true', 'false', 'exit 3', 'printf "{}\\n"', 'printf "not json\\n"', 'cat', '/proc/nope');
/** Paths a caller may give for vectors or a report. */
const path = fc.constantFrom(
  '/proc/nope',
  '/dev/null',
  '/dev/zero',
  '/',
  dir,
  join(dir, 'bad.json'),
  join(dir, 'report.xml'),
  '/proc/nope/report.json',
  '',
  'a\nb',
  'x\u0000y',
);
const io = () => {
  let out = '';
  return {
    stdout: (t: string) => {
      out += t;
    },
    stderr: (t: string) => {
      out += t;
    },
    text: () => out,
  };
};

// The shipped schema documents, by file name, for the input check's entries.
const SCHEMA_DIR = new URL('../../../conformance/schema/', import.meta.url);
const SCHEMA_FILES = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'));
const SCHEMA_DOCS = Object.fromEntries(SCHEMA_FILES.map((f) => [f, JSON.parse(readFileSync(new URL(f, SCHEMA_DIR), 'utf8'))]));

const ENTRIES: Record<string, { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown; runs?: number; timeoutMs?: number }> = {
  judge: { args: fc.tuple(expected, response), call: (e, r) => conformance.judge(e as never, r as never) },
  deepEqual: { args: fc.tuple(hostile, hostile), call: (a, b) => conformance.deepEqual(a, b) },
  jsonLine: {
    // A message is a JSON value (what the protocol sends); the line parses back to it, ends with its only "\n", and
    // carries no raw U+2028 / U+2029.
    args: fc.tuple(
      fc.jsonValue({
        stringUnit: fc.oneof(fc.constantFrom('\u2028', '\u2029', '\n', '"', '\ud800'), fc.string({ unit: 'binary', maxLength: 1 })),
      }),
    ),
    call: (m) => {
      const line = conformance.jsonLine(m);
      if (!line.endsWith('\n') || line.indexOf('\n') !== line.length - 1 || /[\u2028\u2029]/.test(line)) throw new Error('not one line');
      if (JSON.stringify(JSON.parse(line)) !== JSON.stringify(m)) throw new Error('does not parse back');
      return line;
    },
  },
  field: {
    args: fc.tuple(near(fc.dictionary(text, hostile)), text, typeName),
    call: (i, n, t) => conformance.field(i as never, n as string, t as 'string'),
  },
  optional: {
    args: fc.tuple(near(fc.dictionary(text, hostile)), text, typeName),
    call: (i, n, t) => conformance.optional(i as never, n as string, t as 'string'),
  },
  respond: {
    // `run` is a handler or none: an untyped exception from it is thrown on (a bug in the port, by design).
    args: fc.tuple(
      text,
      fc.constantFrom(
        undefined,
        () => ({ ok: 1 }),
        async () => {
          throw Object.assign(new Error('m'), { code: 'ERR_X' });
        },
        () => {
          throw Object.assign(new Error('m'), { code: 'ERR_Y' });
        },
        async () => {
          throw Object.assign(new Error('m'), { code: 1 });
        },
      ),
    ),
    call: async (id, run) => {
      try {
        return await conformance.respond(id as string, run as never);
      } catch (err) {
        // Only the handler's own untyped error comes back: the one that throws a code that is no string.
        expect((err as { code?: unknown }).code).toBe(1);
        return 'thrown on';
      }
    },
  },
  schemeOf: {
    args: fc.tuple(near(fc.oneof(fc.constantFrom('nog-sign', 'nops-verify', 'canonical-date'), text))),
    call: (id) => conformance.schemeOf(id as string),
  },
  loadVectors: {
    args: fc.tuple(near(path), near(path)),
    call: (d, s) => conformance.loadVectors(d as string, s as string),
    // Each input reads and schema-checks directories (the shipped ones when a path is missing): 300 keep it short.
    runs: 300,
  },
  // The input check as a port runs it: the shipped schemas, a request's input from anywhere (and an operation name
  // that may name no schema file: ERR_SCHEMA).
  inputChecker: {
    args: fc.tuple(fc.oneof(fc.constantFrom(...SCHEMA_FILES), text), fc.array(hostile, { maxLength: 4 })),
    call: (file, inputs) => {
      const check = conformance.inputChecker(SCHEMA_DOCS, file as string);
      return (inputs as unknown[]).map((i) => check(i));
    },
  },
  inputCheckers: {
    args: fc.tuple(fc.array(hostile, { maxLength: 4 })),
    call: (inputs) => Object.values(conformance.inputCheckers(SCHEMA_DOCS)).flatMap((check) => (inputs as unknown[]).map((i) => check(i))),
    runs: 300,
  },
  loadInputCheckers: {
    args: fc.tuple(fc.option(near(path), { nil: undefined })),
    call: (d) => Object.keys(conformance.loadInputCheckers(d as string | undefined)),
    runs: 300,
  },
  totals: { args: fc.tuple(reports), call: (r) => conformance.totals(r as never) },
  distinctNames: { args: fc.tuple(reports), call: (r) => conformance.distinctNames(r as never) },
  formatFailure: {
    args: fc.tuple(text, caseResult, formatOptions),
    call: (i, r, o) => conformance.formatFailure(i as string, r as never, o as never),
  },
  formatFailures: {
    args: fc.tuple(text, report, formatOptions),
    call: (i, r, o) => conformance.formatFailures(i as string, r as never, o as never),
  },
  formatTable: { args: fc.tuple(files, reports), call: (f, r) => conformance.formatTable(f as never, r as never) },
  formatTotals: { args: fc.tuple(reports, formatOptions), call: (r, o) => conformance.formatTotals(r as never, o as never) },
  toJUnit: { args: fc.tuple(files, reports), call: (f, r) => conformance.toJUnit(f as never, r as never) },
  toJson: { args: fc.tuple(files, reports, fc.constant({})), call: (f, r, o) => conformance.toJson(f as never, r as never, o as never) },
  usage: { args: fc.tuple(fc.option(text, { nil: undefined })), call: (p) => conformance.usage(p as string) },
  fuzzUsage: { args: fc.tuple(fc.option(text, { nil: undefined })), call: (p) => conformance.fuzzUsage(p as string) },
  answerKey: {
    args: fc.tuple(near(fc.oneof(fc.record({ output: hostile }), fc.record({ error: text }), fc.record({ fault: text }), fc.constant({})))),
    call: (a) => conformance.answerKey(a as never),
  },
  formatFuzz: {
    args: fc.tuple(
      near(
        fc.record({
          seed: near(fc.integer()),
          runs: near(fc.integer()),
          names: near(fc.array(near(text), { maxLength: 3 })),
          operations: near(
            fc.array(
              near(
                fc.record(
                  {
                    scheme: near(text),
                    operation: near(text),
                    cases: near(fc.integer()),
                    durationMs: near(fc.integer()),
                    codes: near(fc.dictionary(text, near(fc.dictionary(text, near(fc.integer()))))),
                    skipped: near(text),
                    disagreement: near(fc.record({ shrinks: near(fc.integer()), input: hostile, answers: near(fc.array(hostile)) })),
                  },
                  { requiredKeys: ['scheme', 'operation', 'codes'] },
                ),
              ),
              { maxLength: 3 },
            ),
          ),
          durationMs: near(fc.integer()),
          cases: near(fc.integer()),
          agreed: near(fc.boolean()),
        }),
      ),
    ),
    call: (r) => conformance.formatFuzz(r as never),
  },
  defaultImplementations: { args: fc.tuple(), call: () => conformance.defaultImplementations() },
  runImplementation: {
    args: fc.tuple(
      fc.record({ command: badPort, name: text }, { requiredKeys: ['command'] }),
      fc.constant(FILES),
      fc.record(
        {
          timeoutMs: fc.integer({ min: 1, max: 200 }),
          startTimeoutMs: fc.integer({ min: 1, max: 500 }),
          filter: fc.constantFrom('nog-sign', 'zzz'),
          maxConsecutiveFaults: fc.integer({ min: 1, max: 3 }),
        },
        { requiredKeys: ['filter', 'timeoutMs', 'maxConsecutiveFaults'] },
      ),
    ),
    call: (impl, f, o) => conformance.runImplementation(impl as never, f as never, o as never),
    // Each input spawns a port process: 40 of them keep the file within its time.
    runs: 40,
    // A port that answers nothing takes up to its start and request timeouts until maxConsecutiveFaults stops it,
    // and longer on a loaded machine (one input took over 5 s in a CI run): a hang here is a run past 30 s.
    timeoutMs: 30_000,
  },
  main: {
    args: fc.tuple(
      fc.array(
        fc.oneof(
          fc.constantFrom('--impl', '--vectors', '--report', '--timeout', '--filter', '--strict', '--quiet', '--nope', '-h', '--', '-'),
          path,
          badPort,
          fc.constantFrom('0', '-1', '1e400', 'nog-sign', 'zzz', 'A=true', 'x=true'),
        ),
        { maxLength: 8 },
      ),
    ),
    call: async (argv) => {
      const out = io();
      // No default implementation (the Python port): only what the arguments name runs, with a filter that keeps
      // the run to a few cases.
      const code = await conformance.main([...(argv as string[]), '--filter', 'nog-sign'], { implementations: [], io: out, colour: false });
      return { code, text: out.text() };
    },
    // Each input may spawn ports: 60 of them keep the file within its time.
    runs: 60,
  },
};

describe('@reqsign/conformance', () => {
  it('has an entry for every exported function', () => {
    // fuzz() starts implementations: it is driven with real and broken ports in conformance/test/fuzz.test.ts and
    // packages/cli/test/conformance-fuzz.test.ts, not with hostile options here.
    expect(unfuzzedExports(conformance, [...Object.keys(ENTRIES), 'fuzz'], ['Port', 'VectorFileError'])).toEqual([]);
    expect(unfuzzedExports(portable, Object.keys(ENTRIES))).toEqual([]);
  });

  for (const [entry, { args, call, runs, timeoutMs }] of Object.entries(ENTRIES)) {
    it(`${entry}: answers, or fails with a coded Error, for any input`, async () => {
      expectClean(
        await fuzz(`conformance.${entry}`, args, call, {
          typed: isCodedError,
          ...(runs === undefined ? {} : { runs }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(entry === 'main' ? { check: (v) => expect([0, 1, 2]).toContain((v as { code: number }).code) } : {}),
        }),
      );
    });
  }
});
