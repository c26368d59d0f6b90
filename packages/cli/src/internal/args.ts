import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CliIo } from './io.js';
import { didYouMean } from '@reqsign/canonical';
import { quote } from './text.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** The first option in `argv` that `options` does not define, as typed (`--expirse`, `-x`), if any. */
function unknownOption(argv: readonly string[], options: Options): string | undefined {
  const shorts = new Map(Object.values(options).flatMap((o) => (o.short === undefined ? [] : [[o.short, o] as const])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg.startsWith('--')) {
      const [name, value] = [arg.slice(2).split('=')[0]!, arg.includes('=')];
      if (!Object.hasOwn(options, name)) return `--${name}`;
      if (options[name]!.type === 'string' && !value) i++; // its value, whatever it looks like
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (const c of arg.slice(1)) {
        const option = shorts.get(c);
        if (option === undefined) return `-${c}`;
        if (option.type === 'string') break;
      }
    }
  }
  return undefined;
}

/**
 * `node:util` parseArgs, strict, with `-h/--help` added and its errors turned into one-line usage errors; an
 * unknown option gets a did-you-mean hint. Positionals may come anywhere; `--` ends the options (for a URL that
 * starts with `-`).
 */
export function parse(argv: readonly string[], options: Options): Parsed {
  const all: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: all, strict: true, allowPositionals: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const unknown = unknownOption(argv, all);
    if (unknown !== undefined) {
      const names = Object.keys(all).map((name) => `--${name}`);
      throw new UsageError(`unknown option ${quote(unknown)}${didYouMean(unknown, names)}`);
    }
    // parseArgs names only options defined here, never a caller's text, in its other messages.
    const message = (err as Error).message.split('\n')[0] ?? 'bad arguments';
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

/** Exactly `names.length` positionals, named in the error when some are missing or extra. */
export function positionals(parsed: Parsed, names: readonly string[]): string[] {
  if (parsed.positionals.length !== names.length) {
    const got = parsed.positionals.length;
    throw new UsageError(`expected ${names.join(' ')} (${names.length} argument${names.length === 1 ? '' : 's'}), got ${got}`);
  }
  return parsed.positionals;
}

export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option: every value given, in order. */
export function listOption(parsed: Parsed, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A whole number from an option, within bounds. */
export function integerOption(parsed: Parsed, name: string, min: number, max: number): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

/** One of a few fixed words. */
export function choiceOption<T extends string>(parsed: Parsed, name: string, choices: readonly T[]): T | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} takes ${choices.join(' or ')}`);
  return text as T;
}

/** The longest URL read from stdin: the verifier's default limit, with room for a line ending. */
const MAX_STDIN_URL = 16 * 1024 + 2;

/**
 * A URL argument; `-` reads it from standard input instead: one line (a final newline is dropped), so that
 * `pbpaste | reqsign nog verify GET -` and `reqsign nog sign GET - <url.txt` work and a URL stays out of `ps`.
 */
export async function urlArgument(url: string, io: CliIo): Promise<string> {
  if (url !== '-') return url;
  if (io.stdin === undefined) throw new UsageError('cannot read the URL from standard input here');
  const text = (await io.stdin(MAX_STDIN_URL)).replace(/\r?\n$/, '');
  if (text === '') throw new UsageError('standard input holds no URL');
  if (/[\r\n]/.test(text)) throw new UsageError('standard input must hold one URL on one line');
  return text;
}
