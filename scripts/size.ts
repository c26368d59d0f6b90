/**
 * Prints the minified + gzipped size of each scheme package's browser bundle and fails when one is over budget.
 * Run after a build: `npm run size`. The packaging test suite asserts the same budget on the packed tarballs.
 */
import { BUDGET_GZIP_BYTES, bundleSize } from './lib/size.js';
import { ROOT, workspacePackages } from './lib/workspace.js';

const SCHEMES = ['@reqsign/nog', '@reqsign/nops'];

let over = 0;
const present = new Set(workspacePackages(ROOT).map((p) => p.name));
for (const name of SCHEMES) {
  if (!present.has(name)) {
    process.stdout.write(`${name}: not in this workspace\n`);
    over++;
    continue;
  }
  const s = await bundleSize(name, ROOT);
  const ok = s.gzip <= BUDGET_GZIP_BYTES;
  if (!ok) over++;
  const signOnly = await bundleSize(name, ROOT, 'browser', ['sign']);
  process.stdout.write(
    `${ok ? 'ok  ' : 'OVER'} ${name}: ${s.minified} B minified, ${s.gzip} B gzipped (budget ${BUDGET_GZIP_BYTES} B); ` +
      `an app importing only sign: ${signOnly.gzip} B gzipped\n`,
  );
}
process.exit(over === 0 ? 0 : 1);
