import { commandHelp, NOG_VERIFY, parserOptions } from '../internal/options.js';
import { createVerifier } from '@reqsign/nog';
import { parse, positionals, stringOption, urlArgument } from '../internal/args.js';
import { parseIsoDateTime } from '../internal/dates.js';
import { MAX_KEYS_FILE_BYTES, readText } from '../internal/files.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from '../internal/io.js';
import { quote } from '../internal/text.js';

export const NOG_VERIFY_HELP: string = commandHelp(
  'nog verify',
  NOG_VERIFY,
  `
Verifies a nog-v1 signed URL as a Nog server would and prints one JSON line:

  {"valid":true,"keyId":"...","authdate":"...","expiresAt":"...","nonce":"...","target":"...","query":"..."}
  {"valid":false,"errorCode":"ERR_AUTH_SIG_INVALID","message":"Invalid signature."}

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable keys.

Keys come from FILE, a JSON object {"<keyid>": "<secret>", ...}, or else from NOG_KEYID and NOG_SECRETKEY.
A one-shot run has no memory of earlier nonces: it checks everything but replay. A URL given as - is read
from standard input (one line).
`,
);

export function loadKeys(path: string | undefined, env: CliIo['env']): Record<string, string> {
  if (path === undefined) {
    const id = env.NOG_KEYID;
    const secret = env.NOG_SECRETKEY;
    if (!id || !secret) throw new UsageError('give --keys FILE or set NOG_KEYID and NOG_SECRETKEY');
    return { [id]: secret };
  }
  let keys: unknown;
  try {
    keys = JSON.parse(readText(path, 'keys file', MAX_KEYS_FILE_BYTES));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read keys file ${quote(path)}: not JSON`);
  }
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    throw new UsageError(`keys file ${quote(path)} must hold a JSON object {"<keyid>": "<secret>"}`);
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [id, secret] of Object.entries(keys)) {
    if (typeof secret !== 'string' || secret === '') {
      throw new UsageError(`keys file ${quote(path)}: every secret must be a non-empty string`);
    }
    out[id] = secret;
  }
  return out;
}

export async function nogVerify(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, parserOptions(NOG_VERIFY));
  if (args.values.help === true) {
    io.stdout(NOG_VERIFY_HELP);
    return EXIT_OK;
  }
  const nowText = stringOption(args, 'now');
  const now = nowText === undefined ? undefined : parseIsoDateTime(nowText, '--now').getTime();
  const [method, urlText] = positionals(args, ['METHOD', 'URL']) as [string, string];
  const keys = loadKeys(stringOption(args, 'keys'), io.env);
  const url = await urlArgument(urlText, io);
  const keyMap = new Map(Object.entries(keys));
  const verifier = createVerifier({ keys: keyMap, ...(now !== undefined ? { now: () => now } : {}) });
  const result = await verifier.verify(method, url);
  if (!result.ok) {
    io.stdout(`${JSON.stringify({ valid: false, errorCode: result.code, message: result.message })}\n`);
    return EXIT_INVALID;
  }
  const line = {
    valid: true,
    keyId: result.keyId,
    authdate: result.authdate.toISOString(),
    expiresAt: result.expiresAt.toISOString(),
    nonce: result.nonce,
    target: result.target,
    query: result.query,
  };
  io.stdout(`${JSON.stringify(line)}\n`);
  return EXIT_OK;
}
