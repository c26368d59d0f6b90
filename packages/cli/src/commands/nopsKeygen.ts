import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '@reqsign/nops';
import { parse, positionals, stringOption } from '../internal/args.js';
import { ensureDirectory } from '../internal/directory.js';
import { EXIT_OK, UsageError, type CliIo } from '../internal/io.js';
import { quote } from '../internal/text.js';

export const NOPS_KEYGEN_HELP = `Usage: reqsign nops keygen [--bits N] [--out DIR]

Generates an RSA key pair for nOps request signing: the private key as PKCS#8 PEM, the public key as SPKI PEM
(BEGIN PUBLIC KEY), which is what the nOps console asks for.

Without --out, prints the private key and then the public key. With --out, writes DIR/nops_private_key.pem
(mode 0600) and DIR/nops_public_key.pem, never overwriting a file, and prints the public key.

Options:
  --bits N     modulus size: a multiple of 8 from 1024 to 16384 (default 2048). 1024 works with nOps but
               is weak; 3072 and 4096 are common; larger keys take long to make and to sign with
  --out DIR    the directory to write the two files to (created if missing)
  -h, --help   this text
`;

// @reqsign/nops's generateKeyPair rule, said here before a key is made.
const MIN_BITS = 1024;
const MAX_BITS = 16384;
const BITS_RULE = `--bits takes a multiple of 8 from ${MIN_BITS} to ${MAX_BITS}`;

export const PRIVATE_KEY_FILE = 'nops_private_key.pem';
export const PUBLIC_KEY_FILE = 'nops_public_key.pem';

function write(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { mode, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EEXIST' ? `${quote(path)} exists; not overwriting it` : `cannot write ${quote(path)}`);
  }
}

export async function nopsKeygen(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, { bits: { type: 'string' }, out: { type: 'string' } });
  if (args.values.help === true) {
    io.stdout(NOPS_KEYGEN_HELP);
    return EXIT_OK;
  }
  positionals(args, []);
  const bitsText = stringOption(args, 'bits');
  const bits = bitsText === undefined ? 2048 : Number(bitsText);
  if (!/^\d+$/.test(bitsText ?? '2048') || bits < MIN_BITS || bits > MAX_BITS || bits % 8 !== 0) throw new UsageError(BITS_RULE);
  const out = stringOption(args, 'out');
  if (out !== undefined) {
    ensureDirectory(out);
    for (const name of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]) {
      const path = join(out, name);
      if (existsSync(path)) throw new UsageError(`${quote(path)} exists; not overwriting it`);
    }
  }
  const pair = await generateKeyPair({ bits });
  if (out === undefined) {
    io.stdout(pair.privateKey.endsWith('\n') ? pair.privateKey : `${pair.privateKey}\n`);
    io.stdout(pair.publicKey.endsWith('\n') ? pair.publicKey : `${pair.publicKey}\n`);
    return EXIT_OK;
  }
  const privatePath = join(out, PRIVATE_KEY_FILE);
  const publicPath = join(out, PUBLIC_KEY_FILE);
  write(privatePath, pair.privateKey, 0o600);
  write(publicPath, pair.publicKey, 0o644);
  io.stdout(pair.publicKey.endsWith('\n') ? pair.publicKey : `${pair.publicKey}\n`);
  return EXIT_OK;
}
