/**
 * Prints the minified + gzipped size of each scheme package's browser bundles (a signing client's imports, and
 * every export) against their ceilings and the 3 KB target; exits 1 when one is over its ceiling. Run after a
 * build: `npm run size`. The packaging test suite asserts the same ceilings on the packed tarballs.
 */
import { BUDGETS, TARGET_GZIP_BYTES, bundleSize } from './lib/size.js';
import { ROOT, workspacePackages } from './lib/workspace.js';

let over = 0;
const present = new Set(workspacePackages(ROOT).map((p) => p.name));
for (const [name, budget] of Object.entries(BUDGETS)) {
  if (!present.has(name)) {
    process.stdout.write(`${name}: not in this workspace\n`);
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
    const target = s.gzip <= TARGET_GZIP_BYTES ? 'within' : `${s.gzip - TARGET_GZIP_BYTES} B over`;
    process.stdout.write(
      `${ok ? 'ok  ' : 'OVER'} ${name} ${what}: ${s.minified} B minified, ${s.gzip} B gzipped ` +
        `(ceiling ${ceiling} B; ${target} the ${TARGET_GZIP_BYTES} B target)\n`,
    );
  }
}
process.exit(over === 0 ? 0 : 1);
