/**
 * The options of every command, in one place: each command parses its argv with its entry here, and its `--help`
 * and the top-level `reqsign --help` are written from the same entry, so a help text cannot leave out or misname an
 * option the parser takes (`test/usage.test.ts` checks each). Plain data and string functions: the dispatcher
 * bundle, which prints the top-level help, carries it without any command's code.
 */

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable: every value is kept, in order. */
  readonly multiple?: boolean;
  /** The value's name in help (`N`, `FILE`); for a string option. */
  readonly value?: string;
  /** What it does, for the command's help (may hold newlines: later lines are indented under the first). */
  readonly help: string;
  /** The environment variable read when the option is not given. */
  readonly env?: string;
  /** Needed (given, or from `env`): shown without brackets in the usage line. */
  readonly required?: boolean;
}

export interface CommandSpec {
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** The positional arguments, in order, as named in the usage line. */
  readonly positionals: readonly string[];
  /** Environment variables the command reads that no option stands for, with what each holds. */
  readonly env?: Readonly<Record<string, string>>;
}

const NOW: OptionSpec = { type: 'string', value: 'ISO-8601', help: 'the time to verify at, e.g. 2015-04-20T12:40:00Z (default: now)' };
const PREFIX: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'PATH',
  help: 'a path prefix a router may have stripped (repeatable), e.g. --prefix /api',
};
const ORIGIN: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'ORIGIN',
  help: 'scheme://host the client may have signed with the path (repeatable)',
};
const JSON_DIAGNOSIS: OptionSpec = { type: 'boolean', help: 'the whole diagnosis as one JSON object' };
const API_KEY: OptionSpec = {
  type: 'string',
  value: 'KEY',
  required: true,
  env: 'NOPS_API_KEY',
  help: 'the API key the request was sent with',
};
const PUBLIC_KEY: OptionSpec = { type: 'string', value: 'FILE', required: true, help: 'PEM (SPKI or PKCS#1) or JWK file' };
const SIGNATURE: OptionSpec = { type: 'string', value: 'B64', required: true, help: 'the x-nops-signature value' };
const API_KEY_IN: OptionSpec = { type: 'string', value: 'query|header', help: 'where the key travelled (default query)' };
const NOG_KEY_ENV = { NOG_KEYID: 'the key id', NOG_SECRETKEY: 'the secret key' };
const NOG_KEYS_ENV = { NOG_KEYID: 'the key id, without --keys', NOG_SECRETKEY: 'the secret key, without --keys' };

export type CommandName = 'nog sign' | 'nog verify' | 'nog explain' | 'nops sign' | 'nops verify' | 'nops explain' | 'nops keygen';

/** `reqsign nog sign`. */
export const NOG_SIGN: CommandSpec = {
  positionals: ['METHOD', 'URL'],
  env: NOG_KEY_ENV,
  options: {
    date: { type: 'string', value: 'ISO-8601', help: 'the signing time, e.g. 2015-04-20T12:34:56Z (default: now)' },
    expires: { type: 'string', value: 'N', help: 'seconds the signature stays valid (default 600)' },
    nonce: { type: 'string', value: 'HEX', help: 'the nonce to send (default: 20 random hex digits)' },
    'no-nonce': { type: 'boolean', help: 'send no nonce (the server then cannot refuse a replay)' },
    json: {
      type: 'boolean',
      help: 'print one JSON line with every stage: target, stringToSign, signature, url, authdate,\nexpires, nonce',
    },
  },
};

/** `reqsign nog verify`. */
export const NOG_VERIFY: CommandSpec = {
  positionals: ['METHOD', 'URL'],
  env: NOG_KEYS_ENV,
  options: {
    now: NOW,
    keys: {
      type: 'string',
      value: 'FILE',
      help: 'the keys, a JSON object {"<keyid>": "<secret>"} (default: NOG_KEYID / NOG_SECRETKEY)',
    },
  },
};

/** `reqsign nog explain`. */
export const NOG_EXPLAIN: CommandSpec = {
  positionals: ['METHOD', 'URL'],
  env: NOG_KEYS_ENV,
  options: {
    now: NOW,
    keys: {
      type: 'string',
      value: 'FILE',
      help: 'the keys, a JSON object {"<keyid>": "<secret>"} (default: NOG_KEYID / NOG_SECRETKEY);\nevery other key\'s secret is tried too',
    },
    'expected-url': {
      type: 'string',
      value: 'URL',
      help: 'what the client believes it signed: its signed URL, or the URL it gave its signer',
    },
    prefix: PREFIX,
    origin: ORIGIN,
    failure: {
      type: 'string',
      value: 'CODE',
      help: 'the code the server answered, from its log (ERR_AUTH_NONCE_INVALID: tells a replay, which a\none-shot run cannot see)',
    },
    json: { type: 'boolean', help: 'the whole diagnosis as one JSON object (durations in seconds)' },
  },
};

/** `reqsign nops sign`. */
export const NOPS_SIGN: CommandSpec = {
  positionals: ['URL'],
  options: {
    'api-key': { type: 'string', value: 'KEY', required: true, env: 'NOPS_API_KEY', help: 'the nOps API key' },
    'private-key': {
      type: 'string',
      value: 'FILE',
      required: true,
      env: 'NOPS_PRIVATE_KEY_FILE',
      help: 'PEM (PKCS#8 or PKCS#1) or JWK file',
    },
    date: { type: 'string', value: 'YYYY-MM-DD', help: 'the day to sign (default: today in --time-zone)' },
    'time-zone': { type: 'string', value: 'ZONE', help: "IANA time zone for today's date (default UTC)" },
    'api-key-in': {
      type: 'string',
      value: 'query|header',
      help: 'send the key as ?api_key= (default, the documented form) or X-Nops-Api-Key',
    },
    curl: { type: 'boolean', help: "print curl arguments (-H ... 'URL') instead of JSON" },
  },
};

/** `reqsign nops verify`. */
export const NOPS_VERIFY: CommandSpec = {
  positionals: ['URL'],
  options: {
    'public-key': PUBLIC_KEY,
    'api-key': API_KEY,
    date: { type: 'string', value: 'YYYY-MM-DD', required: true, help: 'the day that was signed' },
    signature: SIGNATURE,
    'api-key-in': API_KEY_IN,
  },
};

/** `reqsign nops explain`. */
export const NOPS_EXPLAIN: CommandSpec = {
  positionals: ['URL'],
  options: {
    'public-key': PUBLIC_KEY,
    'api-key': API_KEY,
    date: {
      type: 'string',
      value: 'DAY|ISO-8601',
      required: true,
      help: 'the day signed (YYYY-MM-DD), or the instant the request was signed at, whose day\nis taken in --time-zone',
    },
    'time-zone': { type: 'string', value: 'ZONE', help: 'IANA time zone for an instant (default UTC)' },
    signature: SIGNATURE,
    'api-key-in': API_KEY_IN,
    'expected-url': { type: 'string', value: 'URL', help: 'the URL the client gave its signer' },
    'other-key': {
      type: 'string',
      multiple: true,
      value: 'FILE',
      help: 'another public key to try (repeatable); findings name it by file name',
    },
    prefix: { type: 'string', multiple: true, value: 'PATH', help: 'a path prefix a router may have stripped (repeatable)' },
    origin: {
      type: 'string',
      multiple: true,
      value: 'ORIGIN',
      help: 'scheme://host the client may have signed with the target (repeatable)',
    },
    json: JSON_DIAGNOSIS,
  },
};

/** `reqsign nops keygen`. */
export const NOPS_KEYGEN: CommandSpec = {
  positionals: [],
  options: {
    bits: {
      type: 'string',
      value: 'N',
      help: 'modulus size: a multiple of 8 from 1024 to 16384 (default 2048). 1024 works with nOps but\nis weak; 3072 and 4096 are common; larger keys take long to make and to sign with',
    },
    out: { type: 'string', value: 'DIR', help: 'the directory to write the two files to (created if missing)' },
    json: {
      type: 'boolean',
      help: 'print one JSON line: {"bits","publicKey","privateKey"} without --out,\n{"bits","publicKey","privateKeyFile","publicKeyFile"} with it (absolute paths)',
    },
  },
};

/** Every command's options, by `group command` (the commands of SCHEMES' groups). */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  'nog sign': NOG_SIGN,
  'nog verify': NOG_VERIFY,
  'nog explain': NOG_EXPLAIN,
  'nops sign': NOPS_SIGN,
  'nops verify': NOPS_VERIFY,
  'nops explain': NOPS_EXPLAIN,
  'nops keygen': NOPS_KEYGEN,
};

/** `--name VALUE`, `--name VALUE...` for a repeatable one. */
function flag(name: string, o: OptionSpec): string {
  return `--${name}${o.value === undefined ? '' : ` ${o.value}`}${o.multiple ? '...' : ''}`;
}

/** The usage line after the command's name: required options, then optional ones in brackets, then positionals. */
export function synopsis(spec: CommandSpec): string[] {
  const entries = Object.entries(spec.options);
  return [
    ...entries.filter(([, o]) => o.required).map(([n, o]) => flag(n, o)),
    ...entries.filter(([, o]) => !o.required).map(([n, o]) => `[${flag(n, o)}]`),
    ...spec.positionals,
  ];
}

/** `synopsis` wrapped at `width` columns, later lines indented under the first word after `lead`. */
export function usageLines(lead: string, spec: CommandSpec, width = 110): string {
  const words = synopsis(spec);
  const lines: string[] = [];
  let line = lead;
  for (const w of words) {
    if (line.length + 1 + w.length > width && line.trim() !== lead.trim()) {
      lines.push(line);
      line = ' '.repeat(lead.length);
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** What an option's help adds about its environment default. */
const envNote = (o: OptionSpec): string => (o.env === undefined ? '' : ` (default: $${o.env})`);

/** The `Options:` block of a command's help: every option of `spec`, then `-h, --help`. */
export function optionsHelp(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([n, o]) => [flag(n, o).replace('...', ''), `${o.help}${envNote(o)}`]);
  rows.push(['-h, --help', 'this text']);
  const width = Math.max(...rows.map(([f]) => f.length)) + 3;
  const body = rows.map(([f, h]) => `  ${f.padEnd(width)}${h.split('\n').join(`\n  ${' '.repeat(width)}`)}`).join('\n');
  const env = Object.entries(spec.env ?? {});
  const envBlock = env.length === 0 ? '' : `\n\nEnvironment:\n${env.map(([name, what]) => `  ${name.padEnd(width)}${what}`).join('\n')}`;
  return `Options:\n${body}${envBlock}\n`;
}

/** A command's help: its usage line, the text between, its options from `spec`. */
export function commandHelp(name: CommandName, spec: CommandSpec, prose: string): string {
  return `${usageLines(`Usage: reqsign ${name}`, spec)}\n\n${prose.trim()}\n\n${optionsHelp(spec)}`;
}

/** The `node:util` parseArgs options of a spec. */
export function parserOptions(spec: CommandSpec): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  return Object.fromEntries(
    Object.entries(spec.options).map(([n, o]) => [n, o.multiple ? { type: o.type, multiple: true } : { type: o.type }]),
  );
}

/**
 * Every environment variable the commands read as a default, with the options and commands it stands for: for the
 * top-level help.
 */
export function environmentDefaults(): { readonly name: string; readonly what: string }[] {
  const by = new Map<string, string[]>();
  const add = (name: string, what: string) => by.set(name, [...(by.get(name) ?? []), what]);
  for (const [command, spec] of Object.entries(COMMANDS) as [string, CommandSpec][]) {
    for (const [n, o] of Object.entries(spec.options)) if (o.env !== undefined) add(o.env, `${command} --${n}`);
    for (const name of Object.keys(spec.env ?? {})) add(name, `${command}${spec.options.keys === undefined ? '' : ' (without --keys)'}`);
  }
  return [...by].map(([name, list]) => ({ name, what: list.join(', ') }));
}
