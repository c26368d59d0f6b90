import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface SizeBudget {
  /** What a browser app that sends signed requests imports: `sign` and the signing fetch. */
  readonly client: readonly string[];
  /** Ceiling for the client bundle, gzipped bytes. */
  readonly clientGzip: number;
  /** Ceiling for the bundle of every export (`export *`), gzipped bytes. */
  readonly allGzip: number;
}

/**
 * Ceilings, checked in CI on the packed tarballs, a few percent above today's sizes so that growth is a decision,
 * not an accident. nops's client accepts every key form (PEM PKCS#8 and PKCS#1, JWK, KeyObject, CryptoKey: PEM and
 * DER parsing, PKCS#1 wrapping, JWK checks) with typed, explanatory errors; nog's client checks the length of the
 * URL it makes (maxUrlLength, 0.25 KiB of headroom added with it). The full bundles add verification (nog:
 * the checks, parameter parsing, the memory nonce store's hash table of 32-bit words) and key generation; servers and
 * workers import those, browsers rarely. The helpers both schemes take from @reqsign/canonical (argument checks,
 * WebCrypto lookup, key cache, re-sending a Request) are shared so that nog and nops cannot disagree on them. What
 * each bundle is measured against is {@link JOSE_COMPARISONS}.
 */
export const BUDGETS: Readonly<Record<string, SizeBudget | undefined>> = {
  // nog's client: 3.5 KiB since createNogFetch took baseUrl, clockOffset and the { id, secret } key (3,225 -> 3,377 B);
  // 4 KiB since sign refuses a URL that already has an auth parameter and canonical's helpers check every argument
  // (issue 18: typed errors for every bad input; 3,377 -> 3,886 B, still 0.81x jose's SignJWT). Every export: 9.5 KiB
  // since the verifier reads hostile queries in linear cost (a hand percent-decoder beside the regexes), bounds the
  // key lookup in time and checks its clock (8,176 -> 9,355 B). Client 4.25 KiB since sign takes the authdate as text
  // and checks the date before anything else (issue 25: the conformance port hands the vector's authdate to the library,
  // so that the library's own check order is what the vectors test; canonical's parseDateTime, 4,0xx -> 4,118 B).
  '@reqsign/nog': { client: ['sign', 'createNogFetch'], clientGzip: 4.25 * 1024, allGzip: 9.5 * 1024 },
  '@reqsign/nops': { client: ['sign', 'createNopsFetch'], clientGzip: 6 * 1024, allGzip: 7 * 1024 },
};

export interface JoseComparison {
  /** What is compared, for the output. */
  readonly what: string;
  readonly package: keyof typeof BUDGETS;
  /** Our exports in the bundle. */
  readonly ours: readonly string[];
  /** jose 6's exports that do the same job. */
  readonly jose: readonly string[];
}

/**
 * The targets: each of our signing bundles is smaller than the bundle of jose 6 that a browser app would use for the
 * same job (jose is the best-known small signing library; its bundles are measured the same way, in the same run).
 */
export const JOSE_COMPARISONS: readonly JoseComparison[] = [
  {
    what: 'nOps signing client, every key form and the signing fetch, vs jose importPKCS8 + SignJWT (RS256)',
    package: '@reqsign/nops',
    ours: BUDGETS['@reqsign/nops']!.client,
    jose: ['importPKCS8', 'SignJWT'],
  },
  {
    what: 'nOps signing with a CryptoKey only vs jose CompactSign with a CryptoKey',
    package: '@reqsign/nops',
    ours: ['signWithCryptoKey'],
    jose: ['CompactSign'],
  },
  {
    what: 'nog signing client (sign and the signing fetch) vs jose SignJWT (HS256)',
    package: '@reqsign/nog',
    ours: BUDGETS['@reqsign/nog']!.client,
    jose: ['SignJWT'],
  },
];

export interface ComparedSize {
  readonly comparison: JoseComparison;
  readonly ours: BundleSize;
  readonly jose: BundleSize;
  /** Our gzipped size over jose's: below 1 meets the target. */
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
  const ok = r.ratio < 1;
  return (
    `${ok ? 'ok  ' : 'OVER'} ${r.comparison.what}: { ${r.comparison.ours.join(', ')} } ${r.ours.gzip} B gzipped, ` +
    `jose { ${r.comparison.jose.join(', ')} } ${r.jose.gzip} B: ${r.ratio.toFixed(2)}x`
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
