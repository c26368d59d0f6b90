import { EXIT_OK, type CliIo } from '../internal/io.js';

export const CONFORMANCE_HELP = `Usage: reqsign conformance [--impl COMMAND]... [options]

Runs every conformance vector (nog-v1, nOps, canonicalization) against each implementation and prints each
failure with its first differing stage, a table per scheme and operation, and "N passed, N failed". Exits 1 when
any case failed, 2 on a usage error.

An implementation is a command that speaks the JSON Lines protocol of @reqsign/conformance (PROTOCOL.md) on
stdin/stdout. Without --impl, the run covers reqsign's TypeScript packages on both crypto paths (and the Python
reference port where it is installed).

Options:
  --impl COMMAND      a port to run (repeatable); NAME=COMMAND sets its label
  --vectors DIR       the vector directory (default: the vectors shipped with @reqsign/conformance)
  --report FILE       also write a report: JUnit XML for *.xml, JSON otherwise (repeatable)
  --timeout MS        time allowed per request (default 10000)
  --filter TEXT       only cases whose id or file name contains TEXT
  --quiet             print only failures and the closing line
  -h, --help          this text
`;

/** `reqsign conformance ...`: the same flags as `reqsign-conformance`, handed to its `main` as they are. */
export async function conformance(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(CONFORMANCE_HELP);
    return EXIT_OK;
  }
  // Loaded on demand: the signing commands do not pay for the runner and its JSON Schema validator.
  const { main } = await import('@reqsign/conformance');
  return main(argv);
}
