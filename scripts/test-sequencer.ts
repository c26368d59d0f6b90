import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Each test file's wall time in a whole run, in seconds (`scripts/test-times.json`, written by the summary reporter
 * when `REQSIGN_TEST_TIMES` names a file). CI starts from a fresh clone, where vitest has no times of its own.
 */
function times(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(new URL('./test-times.json', import.meta.url), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Longest file first, over all projects: with the suite's files spread over the workers, a long file started last
 * would leave the other workers idle at the end. A file with no recorded time (a new one) starts first, as vitest's
 * own order does.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const t = times();
    const of = (f: TestSpecification): number => t[relative(process.cwd(), f.moduleId)] ?? Number.POSITIVE_INFINITY;
    return [...files].sort((a, b) => {
      const d = of(b) - of(a);
      return Number.isNaN(d) ? 0 : d;
    });
  }
}
