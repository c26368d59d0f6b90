import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './io.js';
import { quote } from './text.js';

const why = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM'
    ? 'permission denied'
    : code === 'ENOENT'
      ? 'no such file or directory (it cannot be created there)'
      : code === 'EROFS'
        ? 'read-only file system'
        : code === 'ENOTDIR'
          ? 'a part of the path is not a directory'
          : `cannot be created (${String(code)})`;
};

/**
 * Makes sure `dir` is a directory, creating it and its missing parents one level at a time. Not
 * `mkdirSync(dir, { recursive: true })`: on Node 20 that loops forever at full CPU where the parent exists but
 * refuses the child with ENOENT (`/proc/nope`). Each failure is one usage error that names the directory.
 */
export function ensureDirectory(dir: string): void {
  const missing: string[] = [];
  for (let path = resolve(dir); ; ) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(path);
      if (code !== 'ENOENT' || parent === path) throw new UsageError(`cannot use directory ${quote(dir)}: ${why(err)}`);
      missing.unshift(path);
      path = parent;
      continue;
    }
    if (!isDirectory) throw new UsageError(`cannot use directory ${quote(dir)}: ${quote(path)} is not a directory`);
    break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(path).isDirectory()) continue;
      throw new UsageError(`cannot create directory ${quote(dir)}: ${why(err)}`);
    }
  }
}
