import { readFileSync } from 'node:fs';
import { UsageError } from './io.js';

/** A file's text, or a usage error that names the file and why (never its content). */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'unreadable';
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${why}`);
  }
}

/** A key file: PEM text as it is, or a JSON Web Key when the file holds a JSON object. */
export function readKeyFile(path: string, what: string): string | Record<string, unknown> {
  const text = readText(path, what);
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const jwk: unknown = JSON.parse(trimmed);
      if (typeof jwk === 'object' && jwk !== null && !Array.isArray(jwk)) return jwk as Record<string, unknown>;
    } catch {
      // fall through to the error below
    }
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: not a JSON Web Key`);
  }
  if (!trimmed.startsWith('-----BEGIN ')) {
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: not a PEM key or a JSON Web Key`);
  }
  return text;
}
