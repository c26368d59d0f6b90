/**
 * The options of `reqsign-conformance` and of its `fuzz` mode: the parser takes exactly these and the help texts
 * list them from here (`usage`, `fuzzUsage`), as does `reqsign --help` in @reqsign/cli, which imports this small
 * module without the runner. Plain data.
 */
export interface ConformanceOption {
  readonly type: 'string' | 'boolean';
  /** Repeatable. */
  readonly multiple?: boolean;
  /** The value's name in help (`COMMAND`, `MS`). */
  readonly value?: string;
  /** What it does (later lines of a long text after a newline). */
  readonly help: string;
}

/** A string option's entry; {@link Repeated} a repeatable one's; {@link Flag} a boolean's. */
export interface Valued extends ConformanceOption {
  readonly type: 'string';
  readonly value: string;
}
export interface Repeated extends Valued {
  readonly multiple: true;
}
export interface Flag extends ConformanceOption {
  readonly type: 'boolean';
}

/** The options of a run of the vectors. */
export const RUN_OPTIONS: {
  readonly impl: Repeated;
  readonly vectors: Valued;
  readonly report: Repeated;
  readonly timeout: Valued;
  readonly filter: Valued;
  readonly strict: Flag;
  readonly quiet: Flag;
} = {
  impl: {
    type: 'string',
    multiple: true,
    value: 'COMMAND',
    help: 'a port to run (repeatable); "NAME=COMMAND" sets its label (NAME in lowercase, e.g.\n"mine=python3 port.py"; an all-caps NAME=... is read as an environment variable of COMMAND)',
  },
  vectors: { type: 'string', value: 'DIR', help: 'the vector directory (default: the vectors shipped with this package)' },
  report: {
    type: 'string',
    multiple: true,
    value: 'FILE',
    help: 'also write a report: JUnit XML for *.xml, JSON otherwise (repeatable)',
  },
  timeout: { type: 'string', value: 'MS', help: 'time allowed per request (default 10000)' },
  filter: { type: 'string', value: 'TEXT', help: 'only cases whose id or file name contains TEXT' },
  strict: {
    type: 'boolean',
    help: 'count cases the port does not support as failures (in the output and the reports)',
  },
  quiet: { type: 'boolean', help: 'print only failures and the closing line' },
};

/** The options of `fuzz`, the differential mode. */
export const FUZZ_OPTIONS: {
  readonly impl: Repeated;
  readonly runs: Valued;
  readonly seed: Valued;
  readonly operation: Repeated;
  readonly out: Valued;
  readonly timeout: Valued;
} = {
  impl: {
    type: 'string',
    multiple: true,
    value: 'COMMAND',
    help: 'an implementation (repeatable; "NAME=COMMAND" sets its label)',
  },
  runs: { type: 'string', value: 'N', help: 'inputs per operation (default 1000)' },
  seed: { type: 'string', value: 'N', help: 'the seed, to replay a run (default: a random one, printed)' },
  operation: {
    type: 'string',
    multiple: true,
    value: 'S/OP',
    help: 'only this operation, e.g. canonical/date (repeatable)',
  },
  out: { type: 'string', value: 'DIR', help: 'write a candidate vector file for each disagreement into DIR' },
  timeout: { type: 'string', value: 'MS', help: 'time allowed per request (default 10000)' },
};

/** parseArgs's options for a table (`-h, --help` added), typed so that parseArgs types the values. */
export type ParserOptionsOf<T extends Readonly<Record<string, ConformanceOption>>> = {
  -readonly [K in keyof T]: T[K] extends { readonly multiple: true } ? { type: T[K]['type']; multiple: true } : { type: T[K]['type'] };
} & { help: { type: 'boolean'; short: 'h' } };

/** The parseArgs options of a table, with `-h, --help`. */
export function parserOptions<T extends Readonly<Record<string, ConformanceOption>>>(table: T): ParserOptionsOf<T> {
  const out: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(table)) out[name] = o.multiple ? { type: o.type, multiple: true } : { type: o.type };
  out.help = { type: 'boolean', short: 'h' };
  return out as ParserOptionsOf<T>;
}

/** `--name VALUE` as help and usage lines show it. */
export const optionFlag = (name: string, o: ConformanceOption): string => `--${name}${o.value === undefined ? '' : ` ${o.value}`}`;

/** The `Options:` rows of a table, then `-h, --help`, aligned at column 22 as the help texts have them. */
export function optionsBlock(table: Readonly<Record<string, ConformanceOption>>): string {
  const rows = [...Object.entries(table).map(([n, o]) => [optionFlag(n, o), o.help] as const), ['-h, --help', 'this text'] as const];
  return rows.map(([f, h]) => `  ${f.padEnd(20)}${h.split('\n').join(`\n  ${' '.repeat(20)}`)}`).join('\n');
}
