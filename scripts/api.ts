/**
 * Writes (default) or checks (`--check`) the API report of every published package: `api/<name>.api.md`, the public
 * surface read from the built declarations. A pull request that changes a package's surface shows it in this diff.
 *
 *   npm run api            # after a change to a public API: write the reports, review, commit them
 *   npm run api -- --check # what CI does: exit 1 when a report is out of date
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { apiReport, readReport, reportPath } from './lib/apiReport.js';
import { publicPackages, ROOT } from './lib/workspace.js';

const check = process.argv.includes('--check');
let stale = 0;
for (const pkg of publicPackages()) {
  const report = apiReport(pkg);
  const path = reportPath(ROOT, pkg);
  if (check) {
    if (readReport(ROOT, pkg) !== report) {
      console.error(`${pkg.name}: ${path} is out of date (run npm run api and commit it)`);
      stale++;
    }
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, report);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale === 0 ? 0 : 1);
