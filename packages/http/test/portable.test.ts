import { build } from 'esbuild';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('the fetch-API wrapper is portable', () => {
  it('bundles for browsers and workers without any node:* module, and without RSA code', async () => {
    const result = await build({
      stdin: { contents: "export { withNogAuth, createNogAuthenticator, getNogAuth } from '@reqsign/http';", resolveDir: here },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser', // resolves @reqsign/nog to its WebCrypto build; any node:* import fails the build
      conditions: ['worker', 'browser'],
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('crypto-node'))).toBe(false);
    expect(inputs.some((p) => p.includes('nops'))).toBe(false);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:/);
    expect(code).not.toMatch(/require\(["']node:/);
    expect(code).toContain('crypto.subtle');
  });
});
