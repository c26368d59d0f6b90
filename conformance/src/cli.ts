#!/usr/bin/env node
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatFailure, formatTable, formatTotals, toJson, toJUnit } from './report.js';
import { runImplementation, totals, type Implementation } from './runner.js';
import { loadVectors, VECTORS_DIR } from './vectors.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The help text, for `reqsign-conformance` or for a CLI that hands its arguments to {@link main}. */
export const usage = (program = 'reqsign-conformance'): string => `Usage: ${program} [--impl COMMAND]... [options]

Runs every test vector against each implementation and prints each failure with its first differing stage, a
table per scheme and operation, and "N passed, N failed". Exits 1 when any case failed, 2 on a usage error
(also: vectors that do not load, a --filter that matches nothing, a report that cannot be written).

An implementation is a command that speaks the JSON Lines protocol in PROTOCOL.md on stdin/stdout. Without
--impl, the run covers reqsign's TypeScript packages on both crypto paths and, where python3 is found, the
reference Python port.

Options:
  --impl COMMAND      a port to run (repeatable); "NAME=COMMAND" sets its label (NAME in lowercase, e.g.
                      "mine=python3 port.py"; an all-caps NAME=... is read as an environment variable of COMMAND)
  --vectors DIR       the vector directory (default: the vectors shipped with this package)
  --report FILE       also write a report: JUnit XML for *.xml, JSON otherwise (repeatable)
  --timeout MS        time allowed per request (default 10000)
  --filter TEXT       only cases whose id or file name contains TEXT
  --strict            count cases the port does not support as failures
  --quiet             print only failures and the closing line
  -h, --help          this text

Example:
  npx @reqsign/conformance --impl "python3 my_port.py" --report conformance.xml
`;

/** The implementations run when none is named: our two crypto paths and the Python reference port. */
export function defaultImplementations(): Implementation[] {
  const node = JSON.stringify(process.execPath);
  const adapter = JSON.stringify(resolve(here, 'adapters', 'typescript.js'));
  const impls: Implementation[] = [
    { name: 'typescript (node:crypto)', command: `${node} ${adapter}` },
    { name: 'typescript (WebCrypto)', command: `${node} ${adapter} --webcrypto` },
  ];
  const python = resolve(here, '..', 'ports', 'python', 'reqsign_port.py');
  if (existsSync(python)) impls.push({ name: 'python (reference port)', command: `python3 ${JSON.stringify(python)}` });
  return impls;
}

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
}

/** Runs the conformance CLI on `argv` (without the program name); resolves to the exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const program = options.program ?? 'reqsign-conformance';
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        impl: { type: 'string', multiple: true },
        vectors: { type: 'string' },
        report: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        filter: { type: 'string' },
        strict: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${program}: ${(err as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(usage(program));
    return 0;
  }
  const timeoutMs = args.timeout === undefined ? undefined : Number(args.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    process.stderr.write(`${program}: --timeout takes a positive whole number of milliseconds\n`);
    return 2;
  }
  let files;
  try {
    files = loadVectors(args.vectors ?? VECTORS_DIR);
  } catch (err) {
    process.stderr.write(`${program}: ${(err as Error).message}\n`);
    return 2;
  }
  const impls = args.impl?.length ? args.impl.map(parseImpl) : defaultImplementations();
  const reports = [];
  for (const impl of impls) {
    const report = await runImplementation(impl, files, { ...(timeoutMs ? { timeoutMs } : {}), ...(args.filter ? { filter: args.filter } : {}) });
    reports.push(report);
    for (const r of report.results) if (r.status === 'fail') process.stdout.write(formatFailure(report.name, r) + '\n');
  }
  if (args.filter !== undefined && reports.every((r) => r.results.length === 0)) {
    process.stderr.write(`${program}: no case matches --filter ${args.filter}\n`);
    return 2;
  }
  if (!args.quiet) process.stdout.write(`\n${formatTable(files, reports)}\n\n`);
  let reportFailed = false;
  for (const file of args.report ?? []) {
    try {
      writeFileSync(file, file.endsWith('.xml') ? toJUnit(files, reports) : toJson(files, reports));
    } catch (err) {
      reportFailed = true;
      process.stderr.write(`${program}: could not write the report ${file}: ${(err as Error).message}\n`);
    }
  }
  process.stdout.write(`${formatTotals(reports)}\n`);
  const { failed, unsupported } = totals(reports);
  if (failed > 0 || (args.strict && unsupported > 0)) return 1;
  return reportFailed ? 2 : 0;
}

/** Whether this module is the program being run (and not imported as part of the library). */
function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`reqsign-conformance: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(2);
    },
  );
}
