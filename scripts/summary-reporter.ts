import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the totals over every project as the last line, `N passed, N failed` (and `, N skipped` when any were
 * skipped), the line that CI reads. A test file that failed to load counts as one failure, so a broken import
 * can never pass as "0 failed". Above it, each program from the machine that test files found missing
 * (`requirePrograms`, scripts/lib/programs.ts) once, with the command that installs it.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const missing = new Map<string, number>();
    for (const mod of testModules) {
      for (const err of mod.errors()) if (err.name === 'MissingProgramError') missing.set(err.message, (missing.get(err.message) ?? 0) + 1);
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (tests === 0 && mod.state() === 'failed') failed++;
    }
    failed += unhandledErrors.length;
    for (const [message, files] of missing) process.stdout.write(`\n${message} (${files} test file${files === 1 ? '' : 's'} need it)`);
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
