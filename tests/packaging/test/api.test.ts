import { describe, expect, it } from 'vitest';
import { apiReport, readReport, reportPath } from '../../../scripts/lib/apiReport.js';
import { publicPackages, ROOT } from '../../../scripts/lib/workspace.js';

// The checked-in API reports are what the built declarations export: a change to a public surface shows in review.
describe('API reports (api/*.api.md)', () => {
  for (const pkg of publicPackages()) {
    it(`${pkg.name}: the checked-in report matches the built declarations (npm run api writes it)`, () => {
      const current = apiReport(pkg);
      expect(readReport(ROOT, pkg), `${reportPath(ROOT, pkg)} is out of date: run npm run api`).toBe(current);
    });
  }

  it('a report lists every export of every entry (a removed export changes it)', () => {
    const nog = publicPackages().find((p) => p.name === '@reqsign/nog')!;
    const report = apiReport(nog);
    for (const name of ['function failureBody', 'const sign:', 'const signSync:', 'class MemoryNonceStore', 'interface NonceClaim']) {
      expect(report).toContain(name);
    }
    expect(report).toMatch(/## `@reqsign\/nog \(node\)`[\s\S]*## `@reqsign\/nog`[\s\S]*## `@reqsign\/nog\/webcrypto`/);
  });
});
