import { EXIT_OK, type CliIo } from '../internal/io.js';

const PROGRAM = 'reqsign conformance';

/**
 * `reqsign conformance ...`: the same flags as `reqsign-conformance`, handed to its `main` as they are, with the
 * same help text (one source, so the two never drift); help and error lines name `reqsign conformance`. Loaded on
 * demand: the signing commands do not pay for the runner and its JSON Schema validator.
 */
export async function conformance(argv: readonly string[], io: CliIo): Promise<number> {
  const { main, usage } = await import('@reqsign/conformance');
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(usage(PROGRAM));
    return EXIT_OK;
  }
  return main(argv, { program: PROGRAM });
}
