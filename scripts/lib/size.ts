import { statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

import { SCHEMES, type SchemeBundle } from '../../conformance/src/schemes.js';

export type SizeBudget = Omit<SchemeBundle, 'jose'>;

/**
 * Ceilings, checked in CI on the packed tarballs, a few percent above today's sizes so that growth is a decision,
 * not an accident: each scheme's `bundle` in conformance/src/schemes.ts (the history of each figure is there). nops's
 * client accepts every key form (PEM PKCS#8 and PKCS#1, JWK, KeyObject, CryptoKey: PEM and DER parsing, PKCS#1
 * wrapping, JWK checks) with typed, explanatory errors; nog's client checks the length of the URL it makes. The full
 * bundles add verification and key generation; servers and workers import those, browsers rarely. The helpers every
 * scheme takes from @reqsign/canonical (argument checks, WebCrypto lookup, key cache, re-sending a Request) are shared
 * so that the schemes cannot disagree on them. What each bundle is measured against is {@link JOSE_COMPARISONS}.
 */
export const BUDGETS: Readonly<Record<string, SizeBudget | undefined>> = Object.fromEntries(
  SCHEMES.flatMap((s) => (s.bundle === undefined ? [] : [[s.package, s.bundle] as const])),
);

export interface JoseComparison {
  /** What is compared, for the output. */
  readonly what: string;
  readonly package: string;
  /** Our exports in the bundle. */
  readonly ours: readonly string[];
  /** jose 6's exports that do the same job. */
  readonly jose: readonly string[];
  /** Our gzipped size over jose's must be below this (1 unless SCHEMES records a decision). */
  readonly maxRatio: number;
}

/**
 * The targets: each of our signing bundles is smaller than the bundle of jose 6 that a browser app would use for the
 * same job (jose is the best-known small signing library; its bundles are measured the same way, in the same run),
 * or within the ratio SCHEMES records for it with its reason.
 */
export const JOSE_COMPARISONS: readonly JoseComparison[] = SCHEMES.flatMap(({ package: name, bundle }) =>
  bundle === undefined
    ? []
    : bundle.jose.map((j) => ({ what: j.what, package: name, ours: j.ours ?? bundle.client, jose: j.jose, maxRatio: j.maxRatio ?? 1 })),
);

export interface ComparedSize {
  readonly comparison: JoseComparison;
  readonly ours: BundleSize;
  readonly jose: BundleSize;
  /** Our gzipped size over jose's: below the comparison's `maxRatio` meets the target. */
  readonly ratio: number;
}

/** Bundles one comparison: ours resolved from `resolveDir` (a consumer project or the workspace), jose from `joseDir`. */
export async function compareWithJose(c: JoseComparison, resolveDir: string, joseDir: string): Promise<ComparedSize> {
  const [ours, jose] = await Promise.all([
    bundleSize(c.package, resolveDir, 'browser', c.ours),
    bundleSize('jose', joseDir, 'browser', c.jose),
  ]);
  return { comparison: c, ours, jose, ratio: ours.gzip / jose.gzip };
}

/** One line for a comparison: both sizes and the ratio. */
export function formatComparison(r: ComparedSize): string {
  const ok = r.ratio < r.comparison.maxRatio;
  return (
    `${ok ? 'ok  ' : 'OVER'} ${r.comparison.what}: { ${r.comparison.ours.join(', ')} } ${r.ours.gzip} B gzipped, ` +
    `jose { ${r.comparison.jose.join(', ')} } ${r.jose.gzip} B: ${r.ratio.toFixed(2)}x` +
    (r.comparison.maxRatio === 1 ? '' : ` (below ${r.comparison.maxRatio}x, SCHEMES)`)
  );
}

export interface BundleSize {
  readonly name: string;
  /** Minified bytes. */
  readonly minified: number;
  /** Minified, then gzipped (level 9), bytes. */
  readonly gzip: number;
  /** The minified code, for content checks (no RSA code in a Nog bundle, ...). */
  readonly code: string;
}

/**
 * Bundles everything a package exports, the way a browser app bundles it: esbuild, platform browser (so the
 * `default` export condition, the WebCrypto build), minified, tree-shaken. `export *` keeps every export, so this
 * is the most an app can pay for the package. `resolveDir` is where `name` resolves from (a consumer project or
 * the workspace root).
 */
export async function bundleSize(
  name: string,
  resolveDir: string,
  platform: 'browser' | 'node' = 'browser',
  /** Only these exports (tree-shaking drops the rest); default every export. */
  only?: readonly string[],
): Promise<BundleSize> {
  const contents =
    only === undefined ? `export * from ${JSON.stringify(name)};` : `export { ${only.join(', ')} } from ${JSON.stringify(name)};`;
  return bundleSource(name, contents, resolveDir, platform);
}

/** {@link bundleSize} of a module's source (`export * from 'a'; export * from 'b';`). */
export async function bundleSource(
  name: string,
  contents: string,
  resolveDir: string,
  platform: 'browser' | 'node' = 'browser',
): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform,
    target: 'es2022',
    logLevel: 'silent',
    // Keep node: builtins out of the bundle (only a node entry may import them; the browser build must not).
    ...(platform === 'node' ? { packages: 'external' as const } : {}),
  });
  const out = result.outputFiles[0];
  if (out === undefined) throw new Error(`esbuild produced no output for ${name}`);
  return { name, minified: out.contents.byteLength, gzip: gzipSync(out.contents, { level: 9 }).byteLength, code: out.text };
}

/** Identifiers that only RSA code contains (the WebCrypto algorithm names, PEM labels, ASN.1 bits of key wrapping). */
export const RSA_MARKERS: readonly RegExp[] = [
  /RSASSA/i,
  /RSA-PSS/i,
  /RSA-OAEP/i,
  /PKCS ?#?1/i,
  /PKCS ?#?8/i,
  /BEGIN [A-Z ]*KEY/,
  /\bspki\b/,
  /\bpkcs8\b/,
];

/** Identifiers that only HMAC code contains. */
export const HMAC_MARKERS: readonly RegExp[] = [/HMAC/i, /createHmac/];

/** The markers of each crypto kind of conformance/src/schemes.ts: a bundle of one kind holds none of another's. */
export const CRYPTO_MARKERS: Readonly<Record<'none' | 'hmac' | 'rsa', readonly RegExp[]>> = {
  none: [],
  hmac: HMAC_MARKERS,
  rsa: RSA_MARKERS,
};

/** What `npm run size` measures for the docs: each budgeted bundle, each comparison with jose, the diagnose entry. */
export interface SizeMeasurements {
  readonly budgets: readonly {
    readonly package: string;
    readonly budget: SizeBudget;
    readonly client: BundleSize;
    readonly all: BundleSize;
  }[];
  readonly comparisons: readonly ComparedSize[];
  /** What `@reqsign/nog/diagnose` adds to every export of `@reqsign/nog`, gzipped bytes. */
  readonly nogDiagnoseAdds: number;
  /** The JavaScript `reqsign nog sign` reads: the CLI's dispatcher and that command's bundle, as built, bytes. */
  readonly cliNogSign: number;
}

/** Measures everything the docs quote, in the workspace (`root`): one esbuild run per bundle. */
export async function measureSizes(root: string): Promise<SizeMeasurements> {
  const budgets = await Promise.all(
    Object.entries(BUDGETS).flatMap(([name, budget]) =>
      budget === undefined
        ? []
        : [
            (async () => ({
              package: name,
              budget,
              client: await bundleSize(name, root, 'browser', budget.client),
              all: await bundleSize(name, root),
            }))(),
          ],
    ),
  );
  const comparisons = await Promise.all(JOSE_COMPARISONS.map((c) => compareWithJose(c, root, root)));
  const both = await bundleSource('nog+diagnose', "export * from '@reqsign/nog'; export * from '@reqsign/nog/diagnose';", root);
  const nog = budgets.find((b) => b.package === '@reqsign/nog')?.all ?? (await bundleSize('@reqsign/nog', root));
  const cli = join(root, 'packages', 'cli', 'dist');
  const cliNogSign = statSync(join(cli, 'reqsign.cjs')).size + statSync(join(cli, 'commands', 'nogSign.cjs')).size;
  return { budgets, comparisons, nogDiagnoseAdds: both.gzip - nog.gzip, cliNogSign };
}
