/**
 * TypeScript edges, compiled against the workspace's built declarations (the packages' `dist`, as published):
 * - strict-types: a failure's `status` narrows with its `code`, each scheme package's error union holds the codes
 *   its functions throw, and every option takes `undefined` under `exactOptionalPropertyTypes`;
 * - node10: a CommonJS project on `moduleResolution: node10` finds every subpath's declarations (`typesVersions`);
 * - cts: a `.cts` file imports the ESM-only packages with `module: nodenext`, and not with `node16` (READMEs say so).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec } from '../../../scripts/lib/exec.js';
import { ROOT } from '../../../scripts/lib/workspace.js';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const tsc = (fixture: string, ...args: string[]) =>
  exec(process.execPath, [TSC, '-p', join(ROOT, 'tests', 'packaging', 'fixtures', fixture, 'tsconfig.json'), ...args], { cwd: ROOT });

describe.concurrent('TypeScript consumers at the edges', () => {
  it.each(['strict-types', 'node10', 'cts'])('%s compiles', { timeout: 120_000 }, async (fixture) => {
    const r = await tsc(fixture);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a .cts under module node16 is refused (TS1479), so the README says nodenext', { timeout: 120_000 }, async () => {
    const r = await tsc('cts', '--module', 'node16', '--moduleResolution', 'node16');
    expect(r.stdout).toMatch(/TS1479/);
  });
});
