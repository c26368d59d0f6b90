import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import LongestFirst from './scripts/test-sequencer.js';

// One project per workspace package that has tests. Each package's tests live in `<dir>/test`.
const dirs = [
  ...readdirSync('packages', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `packages/${d.name}`),
  'conformance',
  // Cross-package suites: clean-install consumers, other runtimes, end to end.
  ...(existsSync('tests')
    ? readdirSync('tests', { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `tests/${d.name}`)
    : []),
].filter((dir) => existsSync(`${dir}/test`));

/**
 * How long one test may run before it counts as hung. The fuzz suite draws each entry's inputs for every seed (a fixed
 * list plus one random, tests/fuzz/test/harness.ts): on a loaded machine an entry takes minutes, which is slow, not hung.
 */
const TEST_TIMEOUT: Record<string, number> = { 'tests/fuzz': 900_000 };

/**
 * Test files run side by side, two at a time: vitest's default on a 2-core machine is one (cores - 1), and much of the
 * suite waits on other processes (npm, tsc, Chromium, workerd, the conformance ports). `REQSIGN_TEST_WORKERS` sets
 * another count (1 for a run that must not share the machine).
 */
const WORKERS = Number(process.env['REQSIGN_TEST_WORKERS'] ?? 2);

export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    maxWorkers: WORKERS,
    // Longest file first (scripts/test-times.json), so that no long file starts when the others are done.
    sequence: { sequencer: LongestFirst },
    // A Redis on loopback for the suites that share one (unless REQSIGN_REDIS_URL names one).
    globalSetup: ['./scripts/test-services.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: dirs.map((dir) => ({
      test: {
        name: dir.split('/').pop(),
        root: dir,
        include: ['test/**/*.test.ts'],
        testTimeout: TEST_TIMEOUT[dir] ?? 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
