import { bytes } from './doc-regions.js';
import type { SizeMeasurements } from './size.js';

/** The command that writes the `size` regions of the docs. */
export const SIZE_COMMAND = 'npm run size';

const short = (name: string): string => name.replace('@reqsign/', '');
const gz = (n: number): string => bytes(n);

/**
 * The figures `npm run size` writes into the docs' `<!-- size:KEY -->` regions (scripts/lib/doc-regions.ts), from a
 * measurement: the two tables of docs/RELEASING.md and the sizes quoted in sentences.
 *
 * - `table-jose`: each comparison with jose 6 (ours, jose's, the ratio);
 * - `table-budgets`: each scheme's client and every-export bundle with its ceiling (conformance/src/schemes.ts);
 * - `<package>-client`, `<package>-all`: those sizes (`nog-client`, `nops-all`);
 * - `<package>-<export>`: a comparison's bundle of other exports than the client (`nops-signwithcryptokey`);
 * - `<package>-<exports>-vs-jose`: how far a compared bundle is below or above jose's for the same job
 *   (`nops-sign-vs-jose`: "75 B below");
 * - `cli-nog-sign`: the JavaScript `reqsign nog sign` reads (the CLI's dispatcher and that command's bundle);
 * - `nog-diagnose`: what `@reqsign/nog/diagnose` adds to a bundle of every export of `@reqsign/nog`.
 */
export function sizeFigures(m: SizeMeasurements): Record<string, string> {
  const figures: Record<string, string> = {};
  const jose = ['| our bundle | gzipped | jose 6 for the same job | gzipped | ratio |', '|---|---|---|---|---|'];
  for (const c of m.comparisons) {
    const { comparison: k } = c;
    // "nog signing client (sign and the signing fetch) vs jose SignJWT (HS256)": the two sides of the row.
    const [ours, theirs] = k.what.split(/,? vs jose /);
    jose.push(
      `| ${ours}: \`${k.ours.join('` + `')}\` | ${gz(c.ours.gzip)} | ${theirs ?? ''} | ${gz(c.jose.gzip)} | ${c.ratio.toFixed(2)} |`,
    );
    const name = `${short(k.package)}-${k.ours.join('-').toLowerCase()}`;
    figures[name] = gz(c.ours.gzip);
    const d = c.jose.gzip - c.ours.gzip;
    figures[`${name}-vs-jose`] = `${bytes(Math.abs(d))} ${d >= 0 ? 'below' : 'above'}`;
  }
  figures['table-jose'] = jose.join('\n');
  const budgets = ['| bundle | gzipped | ceiling | minified |', '|---|---|---|---|'];
  for (const b of m.budgets) {
    figures[`${short(b.package)}-client`] = gz(b.client.gzip);
    figures[`${short(b.package)}-all`] = gz(b.all.gzip);
    budgets.push(
      `| ${b.package}: a signing client, \`${b.budget.client.join('` + `')}\` | ${gz(b.client.gzip)} | ${bytes(b.budget.clientGzip)} | ${bytes(b.client.minified)} |`,
      `| ${b.package}: every export (\`export *\`) | ${gz(b.all.gzip)} | ${bytes(b.budget.allGzip)} | ${bytes(b.all.minified)} |`,
    );
  }
  figures['table-budgets'] = budgets.join('\n');
  figures['nog-diagnose'] = gz(m.nogDiagnoseAdds);
  figures['cli-nog-sign'] = bytes(m.cliNogSign);
  return figures;
}
