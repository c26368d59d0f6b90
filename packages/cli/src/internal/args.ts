import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/**
 * `node:util` parseArgs, strict, with `-h/--help` added and its errors turned into one-line usage errors.
 * Positionals may come anywhere; `--` ends the options (for a URL that starts with `-`).
 */
export function parse(argv: readonly string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
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
