import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '@reqsign/nops';
import { integerOption, parse, positionals, stringOption } from '../internal/args.js';
import { EXIT_OK, UsageError, type CliIo } from '../internal/io.js';

export const NOPS_KEYGEN_HELP = `Usage: reqsign nops keygen [--bits N] [--out DIR]

Generates an RSA key pair for nOps request signing: the private key as PKCS#8 PEM, the public key as SPKI PEM
(BEGIN PUBLIC KEY), which is what the nOps console asks for.

Without --out, prints the private key and then the public key. With --out, writes DIR/nops_private_key.pem
(mode 0600) and DIR/nops_public_key.pem, never overwriting a file, and prints the public key.

Options:
  --bits N     key size: 2048 (default), 3072, 4096; 1024 works with nOps but is weak
  --out DIR    the directory to write the two files to (created if missing)
  -h, --help   this text
`;

export const PRIVATE_KEY_FILE = 'nops_private_key.pem';
export const PUBLIC_KEY_FILE = 'nops_public_key.pem';

function write(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { mode, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EEXIST' ? `${JSON.stringify(path)} exists; not overwriting it` : `cannot write ${JSON.stringify(path)}`);
  }
}

export async function nopsKeygen(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, { bits: { type: 'string' }, out: { type: 'string' } });
  if (args.values.help === true) {
    io.stdout(NOPS_KEYGEN_HELP);
    return EXIT_OK;
  }
  positionals(args, []);
  const bits = integerOption(args, 'bits', 1024, 16384) ?? 2048;
  const out = stringOption(args, 'out');
  if (out !== undefined) {
    for (const name of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]) {
      const path = join(out, name);
      if (existsSync(path)) throw new UsageError(`${JSON.stringify(path)} exists; not overwriting it`);
    }
  }
  const pair = await generateKeyPair({ bits });
  if (out === undefined) {
    io.stdout(pair.privateKey.endsWith('\n') ? pair.privateKey : `${pair.privateKey}\n`);
    io.stdout(pair.publicKey.endsWith('\n') ? pair.publicKey : `${pair.publicKey}\n`);
    return EXIT_OK;
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch {
    throw new UsageError(`cannot create directory ${JSON.stringify(out)}`);
  }
  const privatePath = join(out, PRIVATE_KEY_FILE);
  const publicPath = join(out, PUBLIC_KEY_FILE);
  write(privatePath, pair.privateKey, 0o600);
  write(publicPath, pair.publicKey, 0o644);
  io.stdout(pair.publicKey.endsWith('\n') ? pair.publicKey : `${pair.publicKey}\n`);
  return EXIT_OK;
}
