import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_OK, type CliIo } from '../internal/io.js';

const PROGRAM = 'reqsign conformance';
const PORT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'port', 'main.js');

/**
 * `reqsign conformance ...`: the flags of `reqsign-conformance`, handed to its `main` as they are, with the same help
 * text (one source, so the two never drift); help and error lines name `reqsign conformance`. Without `--impl` it
 * runs reqsign's own packages as a port on both crypto paths (`port/main.js`), then the reference Python port. Loaded
 * on demand: the signing commands do not pay for the runner and its JSON Schema validator.
 */
export async function conformance(argv: readonly string[], io: CliIo): Promise<number> {
  const { main, usage, defaultImplementations } = await import('@reqsign/conformance');
  if (argv[0] !== 'fuzz' && (argv.includes('--help') || argv.includes('-h'))) {
    io.stdout(usage(PROGRAM));
    return EXIT_OK;
  }
  const node = JSON.stringify(process.execPath);
  const port = JSON.stringify(PORT);
  const implementations = [
    { name: 'typescript (node:crypto)', command: `${node} ${port}` },
    { name: 'typescript (WebCrypto)', command: `${node} ${port} --webcrypto` },
    ...defaultImplementations(),
  ];
  // Colour only for a terminal: never in a pipe, a file or CI logs, and never with NO_COLOR set. (Asked of the io,
  // not of whether it is this module's processIo: the dispatcher that passes it is another bundle.)
  const colour = io.isTerminal?.() === true && !io.env.NO_COLOR;
  // `fuzz` compares each --impl with the node:crypto build (the reference); without --impl, all three.
  return main(argv, { program: PROGRAM, implementations, io, colour, reference: implementations[0]! });
}
