import { describeError, EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './internal/io.js';
import { didYouMean } from './internal/suggest.js';
import { quote } from './internal/text.js';
import { version } from './version.js';

export const HELP = `Usage: reqsign <command> [options]

Sign and verify HTTP requests: nog-v1 signed URLs (HMAC-SHA256) and the nOps public API (RSA).

Commands:
  nog sign [--date ISO-8601] [--expires N] [--nonce HEX | --no-nonce] [--json] METHOD URL
  nog verify [--now ISO-8601] [--keys FILE] METHOD URL
  nog explain [--now ISO-8601] [--keys FILE] [--expected-url URL] [--json] METHOD URL
  nops sign --api-key KEY --private-key FILE [--date YYYY-MM-DD] [--api-key-in query|header] [--curl] URL
  nops verify --public-key FILE --api-key KEY --date YYYY-MM-DD --signature B64 URL
  nops explain --public-key FILE --api-key KEY --date YYYY-MM-DD --signature B64 [--expected-url URL] [--json] URL
  nops keygen [--bits N] [--out DIR]
  conformance [--impl COMMAND]

A URL given as - is read from standard input. Run "reqsign <command> --help" for a command's options,
"reqsign --version" for the version. Exit status: 0 done or valid, 1 invalid, 2 usage error.

  curl "$(reqsign nog sign GET https://nog.example.org/api/blobs/abc)"
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** A command: one line for its group's help, and its code, loaded only when it runs (so each pays for its own). */
interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** A command group: one per scheme that has a `command` in @reqsign/conformance's SCHEMES (a test checks this). */
interface Group {
  readonly help: string;
  readonly commands: Readonly<Record<string, CommandEntry>>;
}

/** A group with its help, in one style for every group: the commands with their summaries. */
function group(name: string, title: string, commands: Readonly<Record<string, CommandEntry>>): Group {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([c, { summary }]) => `  ${c.padEnd(width)}   ${summary}`);
  const help = `Usage: reqsign ${name} <${Object.keys(commands).join('|')}> [options]

${title}

Commands:
${lines.join('\n')}

Run "reqsign ${name} <command> --help" for its options.
`;
  return { help, commands };
}

export const GROUPS: Readonly<Record<string, Group>> = {
  nog: group('nog', 'nog-v1 signed URLs (HMAC-SHA256), with the key in NOG_KEYID / NOG_SECRETKEY.', {
    sign: { summary: 'sign a URL and print it', load: async () => (await import('./commands/nogSign.js')).nogSign },
    verify: {
      summary: 'verify a signed URL and print the result as JSON',
      load: async () => (await import('./commands/nogVerify.js')).nogVerify,
    },
    explain: {
      summary: 'show why a signed URL verifies or not: its stages and the proven causes',
      load: async () => (await import('./commands/nogExplain.js')).nogExplain,
    },
  }),
  nops: group('nops', 'Requests to the nOps public API, signed with RSA (x-nops-signature).', {
    sign: {
      summary: 'sign a request and print it as JSON or curl arguments',
      load: async () => (await import('./commands/nopsSign.js')).nopsSign,
    },
    verify: {
      summary: 'verify an nOps signature with a public key',
      load: async () => (await import('./commands/nopsVerify.js')).nopsVerify,
    },
    explain: {
      summary: 'show why an nOps signature verifies or not: its stages and the proven causes',
      load: async () => (await import('./commands/nopsExplain.js')).nopsExplain,
    },
    keygen: { summary: 'generate an RSA key pair', load: async () => (await import('./commands/nopsKeygen.js')).nopsKeygen },
  }),
};

/** The commands outside the groups. */
const TOP: Readonly<Record<string, () => Promise<Command>>> = {
  conformance: async () => (await import('./commands/conformance.js')).conformance,
};

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';
const isVersion = (arg: string | undefined): boolean => arg === '--version' || arg === '-V';

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, sub, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command (try reqsign --help)');
  if (isHelp(first)) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (isVersion(first)) {
    io.stdout(`${version()}\n`);
    return EXIT_OK;
  }
  const top = Object.hasOwn(TOP, first) ? TOP[first] : undefined;
  if (top !== undefined) return (await top())(argv.slice(1), io);
  const found = Object.hasOwn(GROUPS, first) ? GROUPS[first] : undefined;
  if (found === undefined) {
    const known = [...Object.keys(GROUPS), ...Object.keys(TOP), '--help', '--version'];
    throw new UsageError(`unknown command ${quote(first)}${didYouMean(first, known)} (try reqsign --help)`);
  }
  if (sub === undefined) throw new UsageError(`missing command after "${first}" (try reqsign ${first} --help)`);
  if (isHelp(sub)) {
    io.stdout(found.help);
    return EXIT_OK;
  }
  const command = Object.hasOwn(found.commands, sub) ? found.commands[sub] : undefined;
  if (command === undefined) {
    const hint = didYouMean(sub, Object.keys(found.commands));
    throw new UsageError(`unknown command ${quote(`${first} ${sub}`)}${hint} (try reqsign ${first} --help)`);
  }
  return (await command.load())(rest, io);
}

/** The name a command's stderr lines start with: only names that exist, never a caller's text as typed. */
function programName(argv: readonly string[]): string {
  const [first, sub] = argv;
  if (first === undefined) return 'reqsign';
  if (Object.hasOwn(TOP, first)) return `reqsign ${first}`;
  if (!Object.hasOwn(GROUPS, first)) return 'reqsign';
  return sub !== undefined && Object.hasOwn(GROUPS[first]!.commands, sub) ? `reqsign ${first} ${sub}` : `reqsign ${first}`;
}

/**
 * Runs the `reqsign` command line with `argv` (without `node` and the script) and resolves to the exit status:
 * 0 done or valid, 1 verified invalid, 2 usage error, bad argument or unreadable key (one line on stderr).
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    io.stderr(`${programName(argv)}: ${describeError(err)}\n`);
    return EXIT_USAGE;
  }
}
