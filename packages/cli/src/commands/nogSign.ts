import { commandHelp, NOG_SIGN, parserOptions } from '../internal/options.js';
import { sign } from '@reqsign/nog';
import { integerOption, parse, positionals, stringOption, urlArgument } from '../internal/args.js';
import { parseIsoDateTime } from '../internal/dates.js';
import { EXIT_OK, UsageError, type CliIo } from '../internal/io.js';
import { quote } from '../internal/text.js';

export const NOG_SIGN_HELP: string = commandHelp(
  'nog sign',
  NOG_SIGN,
  `
Signs METHOD URL with nog-v1 and prints the signed URL and a newline, nothing else:

  curl "$(reqsign nog sign GET https://nog.example.org/api/blobs/abc)"

The key comes from the environment (below), like the original tools/bin/sign-req.

URL is absolute (https://host/path?query) or a bare target (/path?query); the output has the form given. A
#fragment is not signed and stays at the end. A URL given as - is read from standard input (one line).
METHOD is signed as given: servers compare it with the method they receive, in capitals (GET, not get).
`,
);

const MAX_EXPIRES = Number.MAX_SAFE_INTEGER;

export async function nogSign(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, parserOptions(NOG_SIGN));
  if (args.values.help === true) {
    io.stdout(NOG_SIGN_HELP);
    return EXIT_OK;
  }
  const dateText = stringOption(args, 'date');
  const date = dateText === undefined ? undefined : parseIsoDateTime(dateText, '--date');
  const expires = integerOption(args, 'expires', 0, MAX_EXPIRES);
  const nonceText = stringOption(args, 'nonce');
  if (nonceText !== undefined && args.values['no-nonce'] === true) {
    throw new UsageError('--nonce and --no-nonce exclude each other');
  }
  if (nonceText !== undefined && !/^[0-9a-fA-F]+$/.test(nonceText)) throw new UsageError('--nonce takes hex digits');
  const nonce = args.values['no-nonce'] === true ? false : nonceText;

  const [method, urlText] = positionals(args, ['METHOD', 'URL']) as [string, string];
  const id = io.env.NOG_KEYID;
  const secret = io.env.NOG_SECRETKEY;
  if (!id || !secret) throw new UsageError('set NOG_KEYID and NOG_SECRETKEY to the key to sign with');

  const url = await urlArgument(urlText, io);
  // The library's warnings other than the method's (which is worded here), printed once the request is signed.
  const warnings: string[] = [];
  const signed = await sign(
    method,
    url,
    { id, secret },
    {
      onWarning: (w) => {
        if (w.code !== 'WARN_SIGN_METHOD_CASE') warnings.push(w.message);
      },
      ...(date !== undefined ? { date } : {}),
      ...(expires !== undefined ? { expires } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
    },
  );
  // Only once the request is signed: a usage error is one line on stderr, with no warning before it.
  if (/[a-z]/.test(method) && /^[A-Za-z]+$/.test(method)) {
    // Signed as given, as nog-v1 requires; but no client sends a lowercase method, so every server rejects it.
    const upper = quote(method.toUpperCase());
    io.stderr(
      `reqsign nog sign: warning: ${quote(method)} is signed as given, in lowercase; fetch and most clients send ${upper}, which this signature does not match\n`,
    );
  }
  for (const message of warnings) io.stderr(`reqsign nog sign: warning: ${message}\n`);
  if (args.values.json === true) {
    const { target, stringToSign, signature, url: signedUrl, authdate, expires: sent, nonce: nonceSent } = signed;
    const line = { target, stringToSign, signature, url: signedUrl, authdate, expires: sent, nonce: nonceSent };
    io.stdout(`${JSON.stringify(line)}\n`);
    return EXIT_OK;
  }
  io.stdout(`${signed.url}\n`);
  return EXIT_OK;
}
