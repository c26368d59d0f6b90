import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

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

export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: dirs.map((dir) => ({
      test: {
        name: dir.split('/').pop(),
        root: dir,
        include: ['test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
