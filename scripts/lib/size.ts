import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The size target of issue 7 for a scheme package's browser bundle, minified and gzipped. */
export const TARGET_GZIP_BYTES = 3 * 1024;

export interface SizeBudget {
  /** What a browser app that sends signed requests imports: `sign` and the signing fetch. */
  readonly client: readonly string[];
  /** Ceiling for the client bundle, gzipped bytes. */
  readonly clientGzip: number;
  /** Ceiling for the bundle of every export (`export *`), gzipped bytes. */
  readonly allGzip: number;
}

/**
 * Ceilings, checked in CI on the packed tarballs, each a little above today's size so that growth is a decision,
 * not an accident. nog's client (3.15 KB) is about 160 B over the 3 KB target: the shared helpers it takes from
 * @reqsign/canonical (argument checks, WebCrypto lookup, key cache, re-sending a Request) serve both schemes, so that
 * nog and nops cannot disagree on them. nops's client cannot meet 3 KB while `sign` accepts every key form (PEM
 * PKCS#8 and PKCS#1, JWK, KeyObject, CryptoKey: PEM and DER parsing, PKCS#1 wrapping, JWK checks) with typed,
 * explanatory errors. The full bundles add verification (nog: the checks, parameter parsing, the memory nonce
 * store's hash table) and key generation; servers and workers import those, browsers rarely.
 */
export const BUDGETS: Readonly<Record<'@reqsign/nog' | '@reqsign/nops', SizeBudget>> = {
  '@reqsign/nog': { client: ['sign', 'createNogFetch'], clientGzip: 3.25 * 1024, allGzip: 8.25 * 1024 },
  '@reqsign/nops': { client: ['sign', 'createNopsFetch'], clientGzip: 6 * 1024, allGzip: 7 * 1024 },
};

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
  const contents = only === undefined ? `export * from ${JSON.stringify(name)};` : `export { ${only.join(', ')} } from ${JSON.stringify(name)};`;
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
export const RSA_MARKERS: readonly RegExp[] = [/RSASSA/i, /RSA-PSS/i, /RSA-OAEP/i, /PKCS ?#?1/i, /PKCS ?#?8/i, /BEGIN [A-Z ]*KEY/, /\bspki\b/, /\bpkcs8\b/];

/** Identifiers that only HMAC code contains. */
export const HMAC_MARKERS: readonly RegExp[] = [/HMAC/i, /createHmac/];
