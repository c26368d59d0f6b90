import { commandHelp, NOPS_VERIFY, parserOptions } from '../internal/options.js';
import { verify } from '@reqsign/nops';
import { choiceOption, parse, positionals, stringOption, urlArgument } from '../internal/args.js';
import { checkDay } from '../internal/dates.js';
import { readKeyFile } from '../internal/files.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from '../internal/io.js';

export const NOPS_VERIFY_HELP: string = commandHelp(
  'nops verify',
  NOPS_VERIFY,
  `
Verifies an nOps request signature (x-nops-signature) and prints one JSON line:

  {"valid":true}
  {"valid":false,"errorCode":"ERR_NOPS_SIGNATURE_INVALID","message":"Invalid signature."}

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable key.

URL is the request URL as sent (absolute or /path/?query); in the default query form it ends with
api_key=<KEY>. A URL given as - is read from standard input (one line).
`,
);

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export async function nopsVerify(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, parserOptions(NOPS_VERIFY));
  if (args.values.help === true) {
    io.stdout(NOPS_VERIFY_HELP);
    return EXIT_OK;
  }
  const [urlText] = positionals(args, ['URL']) as [string];
  const keyFile = required(stringOption(args, 'public-key'), '--public-key FILE');
  const apiKey = required(stringOption(args, 'api-key') ?? io.env.NOPS_API_KEY, '--api-key KEY');
  const date = checkDay(required(stringOption(args, 'date'), '--date YYYY-MM-DD'), '--date');
  const signature = required(stringOption(args, 'signature'), '--signature B64');
  const apiKeyIn = choiceOption(args, 'api-key-in', ['query', 'header'] as const);
  const publicKey = readKeyFile(keyFile, 'public key file');
  const url = await urlArgument(urlText, io);

  // A failure of the request or signature is a result (exit 1); a bad key or argument throws (exit 2).
  const result = await verify(
    { url, apiKey, date, ...(apiKeyIn !== undefined ? { apiKeyIn } : {}) },
    signature,
    publicKey as Parameters<typeof verify>[2],
  );
  if (!result.ok) {
    io.stdout(`${JSON.stringify({ valid: false, errorCode: result.code, message: result.message })}\n`);
    return EXIT_INVALID;
  }
  io.stdout(`${JSON.stringify({ valid: true })}\n`);
  return EXIT_OK;
}
