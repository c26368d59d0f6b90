import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const SUITE_ENTRY: string = fileURLToPath(new URL('../../fixtures/browser-suite.ts', import.meta.url));

/**
 * The browser suite as one ES module: esbuild, platform browser, so `@reqsign/nog` and `@reqsign/nops` resolve
 * through their `default` export condition to the WebCrypto builds, and any node:* import would fail the build.
 */
export async function bundleSuite(): Promise<{ code: string; inputs: string[] }> {
  const r = await build({
    entryPoints: [SUITE_ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
  });
  return { code: r.outputFiles[0]!.text, inputs: Object.keys(r.metafile.inputs) };
}
