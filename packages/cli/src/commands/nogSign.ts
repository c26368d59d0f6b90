import { sign } from '@reqsign/nog';
import { integerOption, parse, positionals, stringOption } from '../internal/args.js';
import { parseIsoDateTime } from '../internal/dates.js';
import { EXIT_OK, UsageError, type CliIo } from '../internal/io.js';

export const NOG_SIGN_HELP = `Usage: reqsign nog sign [--date ISO-8601] [--expires N] [--nonce HEX | --no-nonce] METHOD URL

Signs METHOD URL with nog-v1 and prints the signed URL and a newline, nothing else:

  curl "$(reqsign nog sign GET https://nog.example.org/api/blobs/abc)"

The key comes from the environment, like the original tools/bin/sign-req:
  NOG_KEYID       the key id
  NOG_SECRETKEY   the secret key

URL is absolute (https://host/path?query) or a bare target (/path?query); the output has the form given. A
#fragment is not signed and stays at the end.

Options:
  --date ISO-8601   the signing time, e.g. 2015-04-20T12:34:56Z (default: now)
  --expires N       seconds the signature stays valid (default 600)
  --nonce HEX       the nonce to send (default: 20 random hex digits)
  --no-nonce        send no nonce (the server then cannot refuse a replay)
  -h, --help        this text
`;

const MAX_EXPIRES = Number.MAX_SAFE_INTEGER;

export async function nogSign(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, {
    date: { type: 'string' },
    expires: { type: 'string' },
    nonce: { type: 'string' },
    'no-nonce': { type: 'boolean' },
  });
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

  const [method, url] = positionals(args, ['METHOD', 'URL']) as [string, string];
  const id = io.env.NOG_KEYID;
  const secret = io.env.NOG_SECRETKEY;
  if (!id || !secret) throw new UsageError('set NOG_KEYID and NOG_SECRETKEY to the key to sign with');

  const signed = await sign(
    method,
    url,
    { id, secret },
    {
      ...(date !== undefined ? { date } : {}),
      ...(expires !== undefined ? { expires } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
    },
  );
  io.stdout(`${signed.url}\n`);
  return EXIT_OK;
}
