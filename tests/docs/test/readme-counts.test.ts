/** Counts in READMEs: a vector table, total or "passed" line a README shows is the real count of the vectors. */
import { describe, expect, it } from 'vitest';
import { loadVectors, SCHEMES } from '@reqsign/conformance';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { parseReadme, readmes } from './support/snippets.js';

const all = readmes(ROOT).map((r) => ({ readme: r, ...parseReadme(ROOT, r) }));

describe('counts in READMEs', () => {
  // What a run sends: every case, those that break the schema included.
  const vectors = loadVectors(undefined, undefined, { breaksSchema: true });
  const cases = new Map(vectors.map((f) => [f.name, f.cases.length]));
  const total = vectors.reduce((n, f) => n + f.cases.length, 0);

  /** A row of a conformance report: file, scheme (any of SCHEMES), operation, cases, passed/cases. */
  const VECTOR_ROW = new RegExp(
    `^([a-z]+-[a-z-]+)\\s+(?:${SCHEMES.map((s) => s.id).join('|')})\\s+[a-z-]+\\s+(\\d+)\\s+(\\d+)\\/(\\d+)`,
    'gm',
  );

  it('reads a report row of every scheme (the check can fail)', () => {
    for (const s of SCHEMES) {
      const row = `${s.package.replace('@reqsign/', '')}-x  ${s.id}  sign  3  3/3`;
      expect([...row.matchAll(VECTOR_ROW)].length, row).toBe(1);
    }
  });

  it.each(all.map((r) => [r.readme, r] as const))('%s: a vector table or total shown is the real count', (readme, r) => {
    // conformance/README.md's sample is a real run with --filter, checked by conformance/test/readme.test.ts.
    if (readme === 'conformance/README.md') return;
    for (const block of r.text) {
      for (const m of block.matchAll(VECTOR_ROW)) {
        expect(Number(m[2]), `${readme}: ${m[1]}`).toBe(cases.get(m[1]!));
      }
      for (const m of block.matchAll(/^total\s+(\d+)/gm)) expect(Number(m[1]), `${readme}: total`).toBe(total);
      for (const m of block.matchAll(/^(\d+) passed, \d+ failed/gm)) expect(Number(m[1]), `${readme}: passed`).toBe(total);
    }
  });
});
