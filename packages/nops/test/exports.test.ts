import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { build as esbuild } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as nodeBuild from '../src/node.js';
import * as webBuild from '../src/index.js';

describe('package entries', () => {
  it('the node and WebCrypto builds export the same names', () => {
    expect(Object.keys(nodeBuild).sort()).toEqual(Object.keys(webBuild).sort());
    expect(Object.keys(webBuild).sort()).toEqual([
      'CanonicalError',
      'DEFAULT_BASE_URL',
      'NopsError',
      'ReqsignError',
      'buildMessage',
      'createNopsFetch',
      'generateKeyPair',
      'retryOn503',
      'sign',
      'signWithCryptoKey',
      'verify',
    ]);
    // One error class for both, so instanceof works whichever build a caller got.
    expect(nodeBuild.NopsError).toBe(webBuild.NopsError);
  });

  it('the portable entry bundles for the browser without any node: module', async () => {
    const result = await esbuild({
      entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('src/index.ts'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('nodecrypto'))).toEqual([]);
  });

  it('package.json maps node to the node build, everything else and ./webcrypto to the portable one', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(Object.keys(pkg.exports['.']!)).toEqual(['types', 'node', 'default']);
    expect(pkg.exports['.']).toMatchObject({ node: './dist/node.js', default: './dist/index.js' });
    expect(pkg.exports['./webcrypto']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  });

  it.runIf(existsSync(new URL('../dist/index.d.ts', import.meta.url)))(
    'the declarations name no DOM-only global, so a consumer on lib ES2022 with @types/node compiles',
    () => {
      const dist = new URL('../dist/', import.meta.url);
      const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'));
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) {
        const code = readFileSync(new URL(f, dist), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '');
        expect(code, f).not.toMatch(/\b(CryptoKey|CryptoKeyPair|SubtleCrypto|JsonWebKey|KeyUsage|KeyAlgorithm)\b/);
      }
    },
  );
});
