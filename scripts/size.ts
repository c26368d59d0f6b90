/**
 * Prints the minified + gzipped size of each scheme package's browser bundles (a signing client's imports, and
 * every export) against their ceilings, then each signing bundle next to jose 6's bundle for the same job, bundled
 * in the same run, with the ratio, and writes those figures into the docs' `<!-- size:KEY -->` regions
 * (scripts/lib/size-docs.ts; `--check` only says which doc differs). Exits 1 when a bundle is over its ceiling or
 * larger than jose's. Run after a build: `npm run size`. The packaging test suite asserts the same on the packed
 * tarballs; tests/docs/test/doc-numbers.test.ts that the docs hold what this would write.
 */
import { SCHEMES } from '@reqsign/conformance/portable';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docFiles, rewriteRegions, writeRegions } from './lib/doc-regions.js';
import { BUDGETS, JOSE_COMPARISONS, bundleSize, compareWithJose, formatComparison, measureSizes } from './lib/size.js';
import { sizeFigures } from './lib/size-docs.js';
import { ROOT, workspacePackages } from './lib/workspace.js';

let over = 0;
const present = new Set(workspacePackages(ROOT).map((p) => p.name));
// Every scheme a browser signs with (one with a command) has a budget.
for (const name of SCHEMES.flatMap((s) => (s.command === undefined ? [] : [s.package]))) {
  const budget = BUDGETS[name];
  if (budget === undefined || !present.has(name)) {
    process.stdout.write(`${name}: ${budget === undefined ? 'no size budget in scripts/lib/size.ts' : 'not in this workspace'}\n`);
    over++;
    continue;
  }
  const client = await bundleSize(name, ROOT, 'browser', budget.client);
  const all = await bundleSize(name, ROOT);
  for (const [what, s, ceiling] of [
    [`{ ${budget.client.join(', ')} }`, client, budget.clientGzip],
    ['every export', all, budget.allGzip],
  ] as const) {
    const ok = s.gzip <= ceiling;
    if (!ok) over++;
    process.stdout.write(`${ok ? 'ok  ' : 'OVER'} ${name} ${what}: ${s.minified} B minified, ${s.gzip} B gzipped (ceiling ${ceiling} B)\n`);
  }
}
process.stdout.write('\nagainst jose (esbuild, browser, minified, gzip -9):\n');
for (const c of JOSE_COMPARISONS) {
  const r = await compareWithJose(c, ROOT, ROOT);
  if (r.ratio >= c.maxRatio) over++;
  process.stdout.write(`${formatComparison(r)}\n`);
}
const figures = sizeFigures(await measureSizes(ROOT));
if (process.argv.includes('--check')) {
  for (const file of docFiles(ROOT)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    if (rewriteRegions(text, 'size', figures).text !== text) {
      process.stdout.write(`\n${file}: its sizes differ from this run's (npm run size rewrites them)\n`);
      over++;
    }
  }
} else {
  const { changed, unknown } = writeRegions(ROOT, docFiles(ROOT), 'size', figures);
  process.stdout.write(`\ndocs: ${changed.length === 0 ? 'up to date' : `rewrote ${changed.join(', ')}`}\n`);
  for (const u of unknown) process.stdout.write(`unknown size figure ${u} (scripts/lib/size-docs.ts)\n`);
  over += unknown.length;
}
process.exit(over === 0 ? 0 : 1);
