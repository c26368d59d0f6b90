import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = (file: string) => new URL(`../src/${file}`, import.meta.url).pathname;

async function bundle(file: string): Promise<string> {
  const out = await build({
    entryPoints: [entry(file)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    minify: false,
    logLevel: 'silent',
    mainFields: ['module', 'main'],
  });
  return out.outputFiles[0]!.text;
}

describe('bundles', () => {
  it('the default entry needs no node: module (WebCrypto and standard globals only) and carries no RSA code', async () => {
    const text = await bundle('index.ts');
    expect(text).not.toMatch(/from\s+["']node:/);
    expect(text).not.toMatch(/require\(/);
    expect(text).not.toMatch(/RSASSA|PKCS1|RSA-PSS|modulusLength/);
    expect(text).toContain('crypto.subtle');
  });

  it('the node entry uses node:crypto', async () => {
    const out = await build({
      entryPoints: [entry('node.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
    });
    expect(out.outputFiles[0]!.text).toMatch(/from\s+["']node:crypto["']/);
  });

  it('a signing client that does not import retryOn503 carries none of it (no Retry-After, no backoff)', async () => {
    const bundled = async (names: string) => {
      const out = await build({
        stdin: { contents: `export { ${names} } from ${JSON.stringify(entry('index.ts'))};`, resolveDir: entry('.'), loader: 'ts' },
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'neutral',
        minify: true,
        logLevel: 'silent',
        mainFields: ['module', 'main'],
      });
      return out.outputFiles[0]!.text;
    };
    const client = await bundled('sign, createNogFetch');
    expect(client).not.toMatch(/retry-after|maxDelayMs/);
    expect(await bundled('sign, createNogFetch, retryOn503')).toMatch(/retry-after/);
  });
});
