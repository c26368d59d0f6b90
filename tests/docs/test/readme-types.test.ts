/**
 * Docs that type-check: every fenced TypeScript and JavaScript block of every README, in a program per runtime
 * (Node TypeScript and JavaScript, workers, Deno), against the packages' published declarations. How each block is
 * checked: support/snippets.ts.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { PROGRAMS, typeErrors } from './support/programs.js';
import { parseReadme, readmes } from './support/snippets.js';

const all = readmes(ROOT).map((r) => ({ readme: r, ...parseReadme(ROOT, r) }));
const snippets = all.flatMap((r) => r.snippets);
const work = join(ROOT, 'tests', 'docs', '.tmp', 'types');

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README blocks type-check', () => {
  it('finds the blocks of every README (the test cannot pass by finding none)', () => {
    expect(all.map((r) => r.readme)).toEqual(
      expect.arrayContaining(['README.md', 'packages/nog-redis/README.md', 'conformance/ports/python/README.md']),
    );
    expect(snippets.filter((s) => s.lang !== 'python').length).toBeGreaterThan(20);
  });

  it.each(Object.keys(PROGRAMS) as (keyof typeof PROGRAMS)[])(
    '%s',
    (name) => {
      expect(typeErrors(snippets, work, name)).toEqual([]);
    },
    120_000,
  );
});
