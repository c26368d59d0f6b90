import { describeError, EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './internal/io.js';
import { didYouMean } from '@reqsign/canonical';
import { quote } from './internal/text.js';
import { version } from './version.js';
import { FUZZ_OPTIONS, RUN_OPTIONS, type ConformanceOption } from '@reqsign/conformance/options';
import { SCHEMES, type SchemeCli } from '@reqsign/conformance/schemes';
import { COMMANDS, environmentDefaults, usageLines, type CommandName } from './internal/options.js';

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** A command: one line for its group's help, and its code, loaded only when it runs (so each pays for its own). */
interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** A command group: one per scheme that has a `cli` in @reqsign/conformance's SCHEMES. */
interface Group {
  readonly help: string;
  readonly commands: Readonly<Record<string, CommandEntry>>;
}

/**
 * The code of each command of SCHEMES' groups, `group command`: a literal import each, which the bundle script turns
 * into a require() of that command's own bundle (scripts/bundle.mjs). A command in SCHEMES without a line here fails
 * `test/usage.test.ts`, which names the line to add.
 */
export const LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  'nog sign': async () => (await import('./commands/nogSign.js')).nogSign,
  'nog verify': async () => (await import('./commands/nogVerify.js')).nogVerify,
  'nog explain': async () => (await import('./commands/nogExplain.js')).nogExplain,
  'nops sign': async () => (await import('./commands/nopsSign.js')).nopsSign,
  'nops verify': async () => (await import('./commands/nopsVerify.js')).nopsVerify,
  'nops explain': async () => (await import('./commands/nopsExplain.js')).nopsExplain,
  'nops keygen': async () => (await import('./commands/nopsKeygen.js')).nopsKeygen,
};

const missing = (name: string) => async (): Promise<Command> => {
  throw new Error(`reqsign ${name} is in SCHEMES but has no code (packages/cli/src/main.ts, LOADERS)`);
};

/** A group with its help, in one style for every group: the commands with their summaries. */
function group(name: string, cli: SchemeCli): Group {
  const commands: Record<string, CommandEntry> = {};
  for (const [c, { summary }] of Object.entries(cli.commands)) {
    commands[c] = { summary, load: LOADERS[`${name} ${c}`] ?? missing(`${name} ${c}`) };
  }
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([c, { summary }]) => `  ${c.padEnd(width)}   ${summary}`);
  const help = `Usage: reqsign ${name} <${Object.keys(commands).join('|')}> [options]

${cli.title}

Commands:
${lines.join('\n')}

Run "reqsign ${name} <command> --help" for its options.
`;
  return { help, commands };
}

/** The schemes with a command group, from SCHEMES. */
const WITH_CLI = SCHEMES.flatMap((s) => (s.command === undefined || s.cli === undefined ? [] : [[s.command, s.cli] as const]));

export const GROUPS: Readonly<Record<string, Group>> = Object.fromEntries(WITH_CLI.map(([name, cli]) => [name, group(name, cli)]));

const about = WITH_CLI.map(([, cli]) => cli.about);

/** The top-level help's line for a command: its name and every option, wrapped, from its entry in COMMANDS. */
const commandLine = (name: string): string => {
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  return spec === undefined ? `  ${name}` : usageLines(`  ${name}`, spec, 118);
};

/** `reqsign conformance`'s options, from @reqsign/conformance's own table (what its parser takes). */
const conformanceLine = (mode: string, table: Readonly<Record<string, ConformanceOption>>): string =>
  usageLines(
    `  ${mode}`,
    {
      positionals: [],
      options: Object.fromEntries(Object.entries(table).map(([n, o]) => [n, { ...o, required: false }])),
    },
    118,
  );

const environment = environmentDefaults();
const envWidth = Math.max(...environment.map((e) => e.name.length)) + 3;

export const HELP: string = `Usage: reqsign <command> [options]

Sign and verify HTTP requests: ${about.length > 1 ? `${about.slice(0, -1).join(', ')} and ${about.at(-1)}` : about.join('')}.

Commands:
${WITH_CLI.flatMap(([name, cli]) => Object.keys(cli.commands).map((c) => commandLine(`${name} ${c}`))).join('\n')}
${conformanceLine('conformance', RUN_OPTIONS)}
${conformanceLine('conformance fuzz', FUZZ_OPTIONS)}

Environment (read when the option is not given):
${environment.map((e) => `  ${e.name.padEnd(envWidth)}${e.what}`).join('\n')}

A URL given as - is read from standard input. Run "reqsign <command> --help" for a command's options,
"reqsign --version" for the version. Exit status: 0 done or valid, 1 invalid, 2 usage error.

  curl "$(reqsign nog sign GET https://nog.example.org/api/blobs/abc)"
`;

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
