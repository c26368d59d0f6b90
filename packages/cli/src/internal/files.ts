import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from './io.js';
import { quote } from './text.js';

/**
 * The most a key file may hold. A 16,384-bit RSA private key, the largest there is any use for, is about 13 KB as
 * PEM and as JWK; a file larger than this is no key (`/dev/zero`, a log), and is refused before it fills memory.
 */
export const MAX_KEY_FILE_BYTES: number = 64 * 1024;
/** The most a `--keys` file may hold (thousands of key ids and secrets). */
export const MAX_KEYS_FILE_BYTES: number = 1024 * 1024;

/** What fstat says of a FIFO, a device or a socket (open(2) already refuses a socket, and a device without a driver). */
const NOT_REGULAR = 'not a regular file (a FIFO, device or socket is not read)';

const why = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'ELOOP'
          ? 'too many symbolic links'
          : code === 'ENXIO'
            ? NOT_REGULAR
            : 'unreadable';
};

/**
 * A regular file's text, at most `maxBytes` bytes, or a usage error that names the file and why (never its
 * content). A FIFO, a device or a socket is refused without reading from it: opened non-blocking, so that a FIFO
 * with no writer cannot hang the command, and checked with fstat on the descriptor that is read (no race with a
 * rename). A socket cannot be opened at all (ENXIO), which says the same.
 */
export function readText(path: string, what: string, maxBytes: number): string {
  const fail = (reason: string): never => {
    throw new UsageError(`cannot read ${what} ${quote(path)}: ${reason}`);
  };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (err) {
    return fail(why(err));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return fail('is a directory');
    if (!stat.isFile()) return fail(NOT_REGULAR);
    if (stat.size > maxBytes) return fail(`larger than ${maxBytes} bytes`);
    // The size can change while reading: read at most one byte more than allowed, to tell.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (err) {
        return fail(why(err));
      }
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return fail(`larger than ${maxBytes} bytes`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * A key file: PEM text as it is, or a JSON Web Key when the file holds a JSON object. What may stand before either is
 * what @reqsign/nops allows around a key (a byte-order mark, then space, tab, CR and LF), so that a file the library
 * would refuse as text is not read here by a looser rule.
 */
export function readKeyFile(path: string, what: string): string | Record<string, unknown> {
  const text = readText(path, what, MAX_KEY_FILE_BYTES);
  if (/^\uFEFF?[ \t\r\n]*\{/.test(text)) {
    try {
      const jwk: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
      if (typeof jwk === 'object' && jwk !== null && !Array.isArray(jwk)) return jwk as Record<string, unknown>;
    } catch {
      // fall through to the error below
    }
    throw new UsageError(`cannot read ${what} ${quote(path)}: not a JSON Web Key`);
  }
  if (!/^\uFEFF?[ \t\r\n]*-----BEGIN /.test(text)) {
    throw new UsageError(`cannot read ${what} ${quote(path)}: not a PEM key or a JSON Web Key`);
  }
  return text;
}
