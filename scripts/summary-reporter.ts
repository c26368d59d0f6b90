import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** What one test file contributes to the closing summary. */
export interface FileOutcome {
  /** The file, relative to the repository. */
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** The file did not load (an import that throws, a program it needs missing): its tests never ran. */
  readonly loadError?: string | undefined;
  /** The file loaded and no test failed, yet it failed (a hook such as `afterAll` threw). */
  readonly hookError?: string | undefined;
  /** A missing program's one-line message (`requirePrograms`), when that is why the file did not load. */
  readonly missingProgram?: string | undefined;
}

/**
 * The closing lines of a run, from each file's outcome. The last line is `N passed, N failed` (and `, N skipped` when
 * any were skipped), the line that CI reads, and it counts tests, nothing else. Above it, every file that failed is
 * named with what failed in it (a file that did not load has no tests to count: it says so), and each program from the
 * machine that files found missing, once, with the command that installs it.
 */
export function summaryLines(files: readonly FileOutcome[], unhandledErrors: number): string[] {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const missing = new Map<string, number>();
  const failedFiles: string[] = [];
  for (const f of files) {
    passed += f.passed;
    failed += f.failed;
    skipped += f.skipped;
    if (f.missingProgram !== undefined) missing.set(f.missingProgram, (missing.get(f.missingProgram) ?? 0) + 1);
    if (f.loadError !== undefined) failedFiles.push(`  ${f.file}: did not load (${f.loadError}); its tests did not run`);
    else if (f.failed > 0) failedFiles.push(`  ${f.file}: ${f.failed} failed test${f.failed === 1 ? '' : 's'}`);
    else if (f.hookError !== undefined) failedFiles.push(`  ${f.file}: failed outside its tests (${f.hookError})`);
  }
  const lines: string[] = [];
  if (failedFiles.length > 0 || unhandledErrors > 0) {
    lines.push('', `failed files (${failedFiles.length}):`, ...failedFiles);
    if (unhandledErrors > 0) lines.push(`  ${unhandledErrors} unhandled error${unhandledErrors === 1 ? '' : 's'} outside any test (above)`);
  }
  if (missing.size > 0) lines.push('');
  for (const [message, n] of missing) lines.push(`${message} (${n} test file${n === 1 ? '' : 's'} need it)`);
  lines.push('', `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return lines;
}

const firstLine = (text: string): string => text.split('\n')[0]!.slice(0, 300);

/** The vitest reporter that prints {@link summaryLines} last. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const files: FileOutcome[] = testModules.map((mod) => {
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      const errors = mod.errors();
      const missing = errors.find((e) => e.name === 'MissingProgramError');
      const loadError =
        tests === 0 && mod.state() === 'failed'
          ? firstLine(`${errors[0]?.name ?? 'Error'}: ${errors[0]?.message ?? 'unknown'}`)
          : undefined;
      const hookError =
        loadError === undefined && failed === 0 && mod.state() === 'failed'
          ? firstLine(`${errors[0]?.name ?? 'Error'}: ${errors[0]?.message ?? 'a hook failed'}`)
          : undefined;
      return {
        file: relative(process.cwd(), mod.moduleId),
        hookError,
        passed,
        failed,
        skipped,
        loadError,
        missingProgram: missing?.message,
      };
    });
    // Each file's wall time, for the order of the next runs (scripts/test-sequencer.ts): `REQSIGN_TEST_TIMES=<file>`.
    const timesFile = process.env['REQSIGN_TEST_TIMES'];
    if (timesFile !== undefined && timesFile !== '') {
      const times = Object.fromEntries(
        testModules
          .map((mod) => [relative(process.cwd(), mod.moduleId), Math.round(mod.diagnostic().duration / 100) / 10] as const)
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      writeFileSync(timesFile, `${JSON.stringify(times, null, 2)}\n`);
    }
    process.stdout.write(`${summaryLines(files, unhandledErrors.length).join('\n')}\n`);
  }
}
