import { conformance } from './commands/conformance.js';
import { nogExplain } from './commands/nogExplain.js';
import { nogSign, NOG_SIGN_HELP } from './commands/nogSign.js';
import { nogVerify, NOG_VERIFY_HELP } from './commands/nogVerify.js';
import { nopsExplain } from './commands/nopsExplain.js';
import { nopsKeygen } from './commands/nopsKeygen.js';
import { nopsSign } from './commands/nopsSign.js';
import { nopsVerify } from './commands/nopsVerify.js';
import { describeError, EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './internal/io.js';

export const HELP = `Usage: reqsign <command> [options]

Sign and verify HTTP requests: nog-v1 signed URLs (HMAC-SHA256) and the nOps public API (RSA).

Commands:
  nog sign [--date ISO-8601] [--expires N] [--nonce HEX | --no-nonce] METHOD URL
  nog verify [--now ISO-8601] [--keys FILE] METHOD URL
  nog explain [--now ISO-8601] [--keys FILE] [--expected-url URL] [--json] METHOD URL
  nops sign --api-key KEY --private-key FILE [--date YYYY-MM-DD] [--api-key-in query|header] [--curl] URL
  nops verify --public-key FILE --api-key KEY --date YYYY-MM-DD --signature B64 URL
  nops explain --public-key FILE --api-key KEY --date YYYY-MM-DD --signature B64 [--expected-url URL] [--json] URL
  nops keygen [--bits N] [--out DIR]
  conformance [--impl COMMAND]

Run "reqsign <command> --help" for a command's options. Exit status: 0 done or valid, 1 invalid, 2 usage error.

  curl "$(reqsign nog sign GET https://nog.example.org/api/blobs/abc)"
`;

const NOG_HELP = `Usage: reqsign nog <sign|verify|explain> [options] METHOD URL

  sign     sign a URL with the key in NOG_KEYID / NOG_SECRETKEY and print it
  verify   verify a signed URL and print the result as JSON
  explain  show why a signed URL verifies or not: its stages and the proven causes (reqsign nog explain --help)

${NOG_SIGN_HELP}
${NOG_VERIFY_HELP}`;

const NOPS_HELP = `Usage: reqsign nops <sign|verify|explain|keygen> [options]

  sign     sign a request to the nOps API (x-nops-signature)
  verify   verify an nOps signature with a public key
  explain  show why an nOps signature verifies or not: its stages and the proven causes
  keygen   generate an RSA key pair for nOps

Run "reqsign nops <command> --help" for its options.
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** A command group: one per scheme that has a `command` in @reqsign/conformance's SCHEMES (a test checks this). */
interface Group {
  readonly help: string;
  readonly commands: Readonly<Record<string, Command>>;
}

export const GROUPS: Readonly<Record<string, Group>> = {
  nog: { help: NOG_HELP, commands: { sign: nogSign, verify: nogVerify, explain: nogExplain } },
  nops: { help: NOPS_HELP, commands: { sign: nopsSign, verify: nopsVerify, explain: nopsExplain, keygen: nopsKeygen } },
};

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [group, sub, ...rest] = argv;
  if (group === undefined) throw new UsageError('missing command (try reqsign --help)');
  if (isHelp(group)) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (group === 'conformance') return conformance(argv.slice(1), io);
  const found = Object.hasOwn(GROUPS, group) ? GROUPS[group] : undefined;
  if (found === undefined) throw new UsageError(`unknown command ${JSON.stringify(group)} (try reqsign --help)`);
  if (sub === undefined) throw new UsageError(`missing command after "${group}" (try reqsign ${group} --help)`);
  if (isHelp(sub)) {
    io.stdout(found.help);
    return EXIT_OK;
  }
  const command = Object.hasOwn(found.commands, sub) ? found.commands[sub] : undefined;
  if (command === undefined) {
    throw new UsageError(`unknown command "${group} ${sub}" (try reqsign ${group} --help)`);
  }
  return command(rest, io);
}

/**
 * Runs the `reqsign` command line with `argv` (without `node` and the script) and resolves to the exit status:
 * 0 done or valid, 1 verified invalid, 2 usage error, bad argument or unreadable key (one line on stderr).
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [group, sub] = argv;
  const name =
    group === undefined || group.startsWith('-')
      ? 'reqsign'
      : `reqsign ${group}${Object.hasOwn(GROUPS, group) && sub !== undefined && !sub.startsWith('-') ? ` ${sub}` : ''}`;
  try {
    return await dispatch(argv, io);
  } catch (err) {
    io.stderr(`${name}: ${describeError(err)}\n`);
    return EXIT_USAGE;
  }
}
