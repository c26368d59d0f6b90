import { commandHelp, NOPS_SIGN, parserOptions } from '../internal/options.js';
import { sign } from '@reqsign/nops';
import { choiceOption, parse, positionals, stringOption, urlArgument } from '../internal/args.js';
import { checkDay } from '../internal/dates.js';
import { readKeyFile } from '../internal/files.js';
import { EXIT_OK, UsageError, type CliIo } from '../internal/io.js';
import { shellQuote } from '../internal/shell.js';

export const NOPS_SIGN_HELP: string = commandHelp(
  'nops sign',
  NOPS_SIGN,
  `
Signs a request to the nOps public API (RSA PKCS#1 v1.5, SHA-256) and prints one JSON line
{"url","message","signature","headers"}, or with --curl the arguments for curl:

  eval "curl -sS $(reqsign nops sign --curl https://app.nops.io/nops_api/v1/billingGetTotal/)"

URL is absolute or a bare target (/path/?query); the output has the form given. A path without its trailing
slash gets one (nOps signs the path with it). A URL given as - is read from standard input (one line).
`,
);

export async function nopsSign(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, parserOptions(NOPS_SIGN));
  if (args.values.help === true) {
    io.stdout(NOPS_SIGN_HELP);
    return EXIT_OK;
  }
  const [urlText] = positionals(args, ['URL']) as [string];
  const apiKey = stringOption(args, 'api-key') ?? io.env.NOPS_API_KEY;
  if (!apiKey) throw new UsageError('give --api-key KEY or set NOPS_API_KEY');
  const keyFile = stringOption(args, 'private-key') ?? io.env.NOPS_PRIVATE_KEY_FILE;
  if (!keyFile) throw new UsageError('give --private-key FILE or set NOPS_PRIVATE_KEY_FILE');
  const apiKeyIn = choiceOption(args, 'api-key-in', ['query', 'header'] as const);
  const dateText = stringOption(args, 'date');
  const date = dateText === undefined ? undefined : checkDay(dateText, '--date');
  const timeZone = stringOption(args, 'time-zone');
  if (date !== undefined && timeZone !== undefined) throw new UsageError('--date and --time-zone exclude each other');
  const privateKey = readKeyFile(keyFile, 'private key file');
  const url = await urlArgument(urlText, io);

  const signed = await sign(url, {
    apiKey,
    privateKey: privateKey as Parameters<typeof sign>[1]['privateKey'],
    ...(date !== undefined ? { date } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
    ...(apiKeyIn !== undefined ? { apiKeyIn } : {}),
  });
  if (args.values.curl === true) {
    const words: string[] = [];
    for (const [name, value] of Object.entries(signed.headers)) words.push('-H', shellQuote(`${name}: ${value}`));
    words.push(shellQuote(signed.url));
    io.stdout(`${words.join(' ')}\n`);
    return EXIT_OK;
  }
  const out = { url: signed.url, message: signed.message, signature: signed.signature, headers: signed.headers };
  io.stdout(`${JSON.stringify(out)}\n`);
  return EXIT_OK;
}
