#!/usr/bin/env node
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { guardRun, write } from './internal/program.js';
import { formatFuzz, fuzz } from './fuzz.js';
import { FILE_OF } from './fuzz-inputs.js';
import { FUZZ_OPTIONS, optionsBlock, parserOptions, RUN_OPTIONS } from './options.js';
import { distinctNames, formatFailures, formatTable, formatTotals, toJson, toJUnit } from './report.js';
import { runImplementation, totals, type Implementation, type ImplementationReport } from './runner.js';
import { loadVectors, VECTORS_DIR, type VectorFile } from './vectors.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The help text, for `reqsign-conformance` or for a CLI that hands its arguments to {@link main}. */
export const usage = (program = 'reqsign-conformance'): string => `Usage: ${program} [--impl COMMAND]... [options]
       ${program} fuzz [--impl COMMAND]... [options]   (the differential mode: ${program} fuzz --help)

Runs every test vector against each implementation and prints each failure with its first differing stage, a
table per scheme and operation, and "N passed, N failed". Exits 1 when any case failed, 2 on a usage error
(also: vectors that do not load, a --filter that matches nothing, a report that cannot be written, two --impl
with the same NAME). Stopped by a signal, it kills the ports and exits 128 + the signal's number.

An implementation is a command that speaks the JSON Lines protocol in PROTOCOL.md on stdin/stdout. Without
--impl, the run covers ${program === 'reqsign-conformance' ? 'the reference Python port (reqsign conformance adds the\nreqsign TypeScript packages on both crypto paths)' : 'the reqsign TypeScript packages on both crypto paths and\nthe reference Python port'}.

Options:
${optionsBlock(RUN_OPTIONS)}

Example:
  npx @reqsign/conformance --impl "python3 my_port.py" --report conformance.xml
`;

/** The implementations this package ships, run when none is named: the reference Python port. */
export function defaultImplementations(): Implementation[] {
  const python = resolve(here, '..', 'ports', 'python', 'reqsign_port.py');
  return existsSync(python) ? [{ name: 'python (reference port)', command: `python3 ${JSON.stringify(python)}` }] : [];
}

/** Where the CLI writes: the process's stdout and stderr (a closed one ends the run with 141), or a caller's. */
export interface ConformanceIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: ConformanceIo = {
  stdout: (text) => write(process.stdout, text),
  stderr: (text) => write(process.stderr, text),
};

/**
 * `NAME=COMMAND` labels a port; anything else is a bare command. A NAME that looks like an environment variable
 * (`PYTHONPATH=. python3 port.py`, all caps) or like part of a command (`node port.js --mode=x`) is not a label.
 */
export function parseImpl(spec: string): Implementation {
  const m = /^([\w .()-]+)=(.+)$/.exec(spec);
  if (m === null) return { command: spec };
  const name = m[1]!.trim();
  if (name === '' || /^[A-Z_][A-Z0-9_]*$/.test(name) || /\s-/.test(m[1]!)) return { command: spec };
  return { name, command: m[2]! };
}

export interface MainOptions {
  /** The name in help and error lines (default `reqsign-conformance`; `reqsign conformance` from @reqsign/cli). */
  readonly program?: string;
  /** What runs without `--impl` (default {@link defaultImplementations}; `reqsign conformance` adds its own). */
  readonly implementations?: readonly Implementation[];
  /** Where output goes (default the process's stdout and stderr). */
  readonly io?: ConformanceIo;
  /**
   * Colour FAIL and the totals (default: only when writing to the process's stdout, a terminal, and `NO_COLOR` is
   * not set).
   */
  readonly colour?: boolean;
  /**
   * The reference that `fuzz` compares every `--impl` with (`reqsign conformance` passes the TypeScript packages'
   * port); without one, `fuzz` compares the implementations named with each other.
   */
  readonly reference?: Implementation;
}

/**
 * Runs the conformance CLI on `argv` (without the program name); resolves to the exit code. While the run is on,
 * it owns the process as a CLI does: SIGINT, SIGTERM and SIGHUP kill the ports and exit 128 + the signal's number,
 * and a closed stdout (`| head`) exits 141 without a stack trace.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const program = options.program ?? 'reqsign-conformance';
  const io = options.io ?? processIo;
  if (argv[0] === 'fuzz') return fuzzMain(argv.slice(1), options, program, io);
  const colour = options.colour ?? (options.io === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR);
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: parserOptions(RUN_OPTIONS),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.stderr(`${program}: ${(err as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(usage(program));
    return 0;
  }
  const timeoutMs = args.timeout === undefined ? undefined : Number(args.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    io.stderr(`${program}: --timeout takes a positive whole number of milliseconds\n`);
    return 2;
  }
  let files;
  try {
    files = loadVectors(args.vectors ?? VECTORS_DIR, undefined, { breaksSchema: true });
  } catch (err) {
    io.stderr(`${program}: ${(err as Error).message}\n`);
    return 2;
  }
  const impls = args.impl?.length ? args.impl.map(parseImpl) : [...(options.implementations ?? defaultImplementations())];
  const labels = impls.flatMap((i) => (i.name === undefined ? [] : [i.name]));
  const twice = labels.find((name, i) => labels.indexOf(name) !== i);
  if (twice !== undefined) {
    io.stderr(`${program}: two --impl are labelled ${JSON.stringify(twice)}: give each a NAME of its own\n`);
    return 2;
  }
  const unguard = guardRun();
  try {
    return await run(files, impls, { ...args, timeoutMs, program, io, colour });
  } finally {
    unguard();
  }
}

async function run(
  files: readonly VectorFile[],
  impls: readonly Implementation[],
  args: {
    timeoutMs: number | undefined;
    filter?: string | undefined;
    strict?: boolean | undefined;
    quiet?: boolean | undefined;
    report?: string[] | undefined;
    program: string;
    io: ConformanceIo;
    colour: boolean;
  },
): Promise<number> {
  const { program, timeoutMs, io } = args;
  const strict = args.strict === true;
  const reports: ImplementationReport[] = [];
  for (const impl of impls) {
    const report = await runImplementation(impl, files, {
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(args.filter ? { filter: args.filter } : {}),
      strict,
    });
    // A name from a port's hello may repeat another's: each implementation is reported under a name of its own.
    const named = { ...report, name: distinctNames([...reports, report]).at(-1)! };
    reports.push(named);
    for (const block of formatFailures(named.name, named, { colour: args.colour })) io.stdout(`${block}\n`);
  }
  if (args.filter !== undefined && reports.every((r) => r.results.length === 0)) {
    io.stderr(`${program}: no case matches --filter ${args.filter}\n`);
    return 2;
  }
  if (!args.quiet) io.stdout(`\n${formatTable(files, reports)}\n\n`);
  let reportFailed = false;
  for (const file of args.report ?? []) {
    try {
      writeFileSync(file, file.endsWith('.xml') ? toJUnit(files, reports) : toJson(files, reports, { strict }));
    } catch (err) {
      reportFailed = true;
      io.stderr(`${program}: could not write the report ${file}: ${(err as Error).message}\n`);
    }
  }
  io.stdout(`${formatTotals(reports, { colour: args.colour })}\n`);
  if (totals(reports).failed > 0) return 1;
  return reportFailed ? 2 : 0;
}

/** The help text of the differential mode. */
export const fuzzUsage = (program = 'reqsign-conformance'): string => `Usage: ${program} fuzz [--impl COMMAND]... [options]

The differential mode: generated inputs over every operation's whole input domain (URLs with every escape form,
dates across and beyond 0000-9999, fractional and negative epoch values, IANA zone names and their case variants,
numbers of every value JSON carries, keys whole and broken, nonce stores of capacity 1 to 3, clocks that step back) go to
every implementation; any difference in any stage or error code is a finding, shrunk to a minimal input and
printed with each implementation's answer (and written as a candidate vector file with --out). Prints, per
operation, how many inputs reached each error code, and cases/s. Exits 1 on a disagreement, 2 on a usage error.
${
  program === 'reqsign-conformance'
    ? '\nNeeds at least two implementations (reqsign conformance fuzz adds the TypeScript reference to one --impl).\n'
    : '\nEach --impl is compared with the reqsign TypeScript packages (node:crypto); without --impl, the TypeScript\npackages on both crypto paths and the reference Python port are compared with each other.\n'
}
Options:
${optionsBlock(FUZZ_OPTIONS)}

Example:
  ${program} fuzz --impl "python3 my_port.py" --runs 5000 --out candidates
`;

async function fuzzMain(argv: readonly string[], options: MainOptions, program: string, io: ConformanceIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: parserOptions(FUZZ_OPTIONS),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.stderr(`${program} fuzz: ${(err as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(fuzzUsage(program));
    return 0;
  }
  const whole = (text: string | undefined, what: string, min: number): number | undefined | string => {
    if (text === undefined) return undefined;
    const n = Number(text);
    return /^-?[0-9]+$/.test(text) && Number.isSafeInteger(n) && n >= min ? n : `${what} takes a whole number from ${min}`;
  };
  const runs = whole(args.runs, '--runs', 1);
  const seed = whole(args.seed, '--seed', -(2 ** 31));
  const timeoutMs = whole(args.timeout, '--timeout', 1);
  for (const v of [runs, seed, timeoutMs]) {
    if (typeof v === 'string') {
      io.stderr(`${program} fuzz: ${v}\n`);
      return 2;
    }
  }
  const known = Object.keys(FILE_OF);
  const unknown = args.operation?.find((o) => !known.includes(o));
  if (unknown !== undefined) {
    io.stderr(`${program} fuzz: no operation ${unknown} (one of ${known.join(', ')})\n`);
    return 2;
  }
  const named = args.impl?.map(parseImpl) ?? [];
  const reference = options.reference;
  const impls =
    named.length === 0
      ? [...(options.implementations ?? defaultImplementations())]
      : reference === undefined
        ? named
        : [reference, ...named];
  if (impls.length < 2) {
    io.stderr(`${program} fuzz: needs at least two implementations to compare (give --impl twice)\n`);
    return 2;
  }
  const unguard = guardRun();
  try {
    const report = await fuzz({
      implementations: impls,
      ...(runs === undefined ? {} : { runs: runs as number }),
      ...(seed === undefined ? {} : { seed: seed as number }),
      ...(timeoutMs === undefined ? {} : { timeoutMs: timeoutMs as number }),
      ...(args.operation ? { operations: args.operation } : {}),
      ...(args.out ? { out: args.out } : {}),
    });
    if (report.startFault !== undefined) {
      io.stderr(`${program} fuzz: an implementation did not start: ${report.startFault}\n`);
      return 2;
    }
    io.stdout(formatFuzz(report));
    return report.agreed ? 0 : 1;
  } finally {
    unguard();
  }
}

/**
 * The `reqsign-conformance` program: {@link main} on the process's arguments, then exit with its status. The
 * package's bin (`bin/reqsign-conformance.js`) calls it.
 */
export function runProgram(argv: readonly string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      write(process.stderr, `reqsign-conformance: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(2);
    },
  );
}

/** Whether this module is the program being run (and not imported as part of the library). */
function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) runProgram();
