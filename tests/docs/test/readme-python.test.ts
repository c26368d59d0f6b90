/**
 * Docs that run, in Python: every fenced Python block of every README is run with python3 in a user's folder; a block
 * that is a conformance port is driven by the runner through the vectors of the operations it lists.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMES } from '@reqsign/conformance';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { slug } from './support/programs.js';
import { parseReadme, readmes } from './support/snippets.js';
import { run, userFolder } from './support/userFolder.js';

requirePrograms('python3');

const python = readmes(ROOT)
  .flatMap((r) => parseReadme(ROOT, r).snippets)
  .filter((s) => s.lang === 'python');
let folder: ReturnType<typeof userFolder>;
beforeAll(() => {
  folder = userFolder();
});
afterAll(() => folder?.remove());

/** The vector files of a scheme's operation are named `<package directory>-<operation>` (nog-v1: nog-sign). */
const filterOf = (scheme: string, operation: string): string => {
  const info = SCHEMES.find((s) => s.id === scheme);
  return `${info === undefined ? scheme : info.package.replace('@reqsign/', '')}-${operation}`;
};

describe('README Python blocks run', () => {
  it('finds Python blocks (the test cannot pass by finding none)', () => {
    expect(python.length).toBeGreaterThan(0);
  });

  it.each(python.map((s) => [s.id, s] as const))(
    '%s',
    async (_id, s) => {
      const file = join(folder.dir, `${slug(s)}.py`);
      writeFileSync(file, s.code);
      if (s.code.includes('"type": "hello"')) {
        // A port: the runner drives it through the vectors of the operations it lists.
        const operation = /OPERATIONS = \{\("([^"]+)", "([^"]+)"\)/.exec(s.code);
        expect(operation, 'the port lists its operations in OPERATIONS').not.toBeNull();
        const r = await run(
          folder.dir,
          process.execPath,
          [
            join(ROOT, 'conformance', 'bin', 'reqsign-conformance.js'),
            '--impl',
            `python3 ${file}`,
            '--filter',
            filterOf(operation![1]!, operation![2]!),
            '--quiet',
          ],
          60_000,
        );
        expect(r.stdout).toMatch(/^[1-9]\d* passed, 0 failed/m);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        return;
      }
      const r = await run(folder.dir, 'python3', [file], 30_000);
      expect(r.code, r.stderr).toBe(0);
      // A comment line after the code is what it prints.
      const printed = s.code
        .split('\n')
        .filter((l) => /^# \S+$/.test(l))
        .map((l) => l.slice(2));
      expect(printed.length).toBeGreaterThan(0);
      expect(r.stdout.trim().split('\n')).toEqual(printed);
    },
    90_000,
  );
});
