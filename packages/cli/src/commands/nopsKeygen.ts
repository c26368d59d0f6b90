import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeyPair } from '@reqsign/nops';
import { parse, positionals, stringOption } from '../internal/args.js';
import { ensureDirectory } from '../internal/directory.js';
import { EXIT_OK, UsageError, type CliIo } from '../internal/io.js';
import { commandHelp, NOPS_KEYGEN, parserOptions } from '../internal/options.js';
import { quote } from '../internal/text.js';

export const NOPS_KEYGEN_HELP: string = commandHelp(
  'nops keygen',
  NOPS_KEYGEN,
  `
Generates an RSA key pair for nOps request signing: the private key as PKCS#8 PEM, the public key as SPKI PEM
(BEGIN PUBLIC KEY), which is what the nOps console asks for.

Without --out, prints the private key and then the public key. With --out, writes DIR/nops_private_key.pem
(mode 0600) and DIR/nops_public_key.pem, never overwriting a file, prints the public key, and says on stderr
where each file went. On a terminal, stderr shows the time spent while the key is made (an 8192-bit key takes
tens of seconds); the line is erased when the key is ready.
`,
);

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

/** How often the progress line's count of seconds is updated. */
const TICK_MS = 1000;

/**
 * While `work` runs, a line on a terminal's stderr that counts the seconds spent, rewritten in place (`\r`) and
 * erased when the work ends, whatever its outcome. Nothing when stderr is not a terminal (a pipe, a file, CI logs).
 */
async function withProgress<T>(io: CliIo, what: string, work: Promise<T>): Promise<T> {
  if (io.isErrorTerminal?.() !== true) return work;
  const started = Date.now();
  const line = () => `\rreqsign nops keygen: ${what}... ${Math.floor((Date.now() - started) / 1000)} s`;
  io.stderr(line());
  const timer = setInterval(() => io.stderr(line()), TICK_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    io.stderr('\r\u001b[K');
  }
}

const withNewline = (pem: string): string => (pem.endsWith('\n') ? pem : `${pem}\n`);

export async function nopsKeygen(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, parserOptions(NOPS_KEYGEN));
  if (args.values.help === true) {
    io.stdout(NOPS_KEYGEN_HELP);
    return EXIT_OK;
  }
  positionals(args, []);
  const bitsText = stringOption(args, 'bits');
  const bits = bitsText === undefined ? 2048 : Number(bitsText);
  if (!/^\d+$/.test(bitsText ?? '2048') || bits < MIN_BITS || bits > MAX_BITS || bits % 8 !== 0) throw new UsageError(BITS_RULE);
  const json = args.values.json === true;
  const out = stringOption(args, 'out');
  if (out !== undefined) {
    ensureDirectory(out);
    for (const name of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]) {
      const path = join(out, name);
      if (existsSync(path)) throw new UsageError(`${quote(path)} exists; not overwriting it`);
    }
  }
  const pair = await withProgress(io, `generating a ${bits}-bit RSA key`, generateKeyPair({ bits }));
  const publicKey = withNewline(pair.publicKey);
  const privateKey = withNewline(pair.privateKey);
  if (out === undefined) {
    io.stdout(json ? `${JSON.stringify({ bits, publicKey, privateKey })}\n` : `${privateKey}${publicKey}`);
    return EXIT_OK;
  }
  const privateKeyFile = resolve(out, PRIVATE_KEY_FILE);
  const publicKeyFile = resolve(out, PUBLIC_KEY_FILE);
  write(privateKeyFile, privateKey, 0o600);
  write(publicKeyFile, publicKey, 0o644);
  if (json) {
    io.stdout(`${JSON.stringify({ bits, publicKey, privateKeyFile, publicKeyFile })}\n`);
    return EXIT_OK;
  }
  // Where the files went, on stderr (stdout holds only the public key, for pasting or a pipe).
  io.stderr(`reqsign nops keygen: wrote the private key to ${quote(privateKeyFile)} (mode 0600: keep it to yourself)\n`);
  io.stderr(`reqsign nops keygen: wrote the public key to ${quote(publicKeyFile)}; it follows, for the nOps console\n`);
  io.stdout(publicKey);
  return EXIT_OK;
}
