/**
 * Every published package has a file of fuzz entries here, named for its directory (each file then holds an entry per
 * exported function: `unfuzzedExports`), so that a new package is never left out of the fuzz run.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicPackages, ROOT } from '../../../scripts/lib/workspace.js';

/** Packages without a file yet, each with why: an entry goes once its file is written. */
const NOT_YET: Record<string, string> = {};

describe('the fuzz suite', () => {
  it('has a file for every published package', () => {
    const missing = publicPackages()
      .filter((p) => !Object.hasOwn(NOT_YET, p.name))
      .map((p) => `tests/fuzz/test/${basename(p.path)}.test.ts`)
      .filter((f) => !existsSync(join(ROOT, f)));
    expect(missing, 'write fuzz entries for each exported function of the package (see unfuzzedExports in harness.ts)').toEqual([]);
    for (const name of Object.keys(NOT_YET))
      expect(
        publicPackages().some((p) => p.name === name),
        name,
      ).toBe(true);
  });
});
