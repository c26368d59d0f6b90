/**
 * `npm ci` on a fresh clone refuses a lockfile that lacks an entry for any optional dependency of a locked package,
 * including the binaries for other platforms (turbo's, esbuild's, Deno's and Bun's darwin/windows packages). An
 * `npm install` run with a platform filter, or an interrupted one, can drop them silently and the lockfile still
 * works on this machine; CI on a clean machine then fails before a single test runs. This is the same check that
 * `npm ci` makes, without the install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/lib/workspace.js';

interface LockEntry {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly link?: boolean;
}

/** Where Node's resolution would find `dep` for the package at `from` (a lockfile key such as `node_modules/a`). */
function resolveIn(packages: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (candidate in packages) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/** Every `(package, dependency)` pair of a lockfile whose dependency has no entry that resolution would find. */
export function missingFromLock(lock: { packages: Record<string, LockEntry> }): string[] {
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (entry.link === true) continue;
    for (const dep of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})]) {
      if (resolveIn(lock.packages, key, dep) === undefined) missing.push(`${key || '(root)'} -> ${dep}`);
    }
  }
  return missing;
}

describe('lockfiles hold every dependency of every locked package, for every platform', () => {
  for (const dir of ['.', 'tools/runtimes']) {
    it(`${dir}/package-lock.json`, () => {
      const lock = JSON.parse(readFileSync(join(ROOT, dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
      expect(missingFromLock(lock)).toEqual([]);
    });
  }

  it('reports a dropped platform binary (so the check above can fail)', () => {
    const lock = {
      packages: {
        '': { dependencies: { turbo: '^2' } },
        'node_modules/turbo': { optionalDependencies: { '@turbo/linux-64': '2.0.0', '@turbo/darwin-64': '2.0.0' } },
        'node_modules/@turbo/linux-64': {},
        'node_modules/a': { dependencies: { b: '1' } },
        'node_modules/a/node_modules/b': { dependencies: { turbo: '2' } },
      },
    };
    expect(missingFromLock(lock)).toEqual(['node_modules/turbo -> @turbo/darwin-64']);
  });
});
