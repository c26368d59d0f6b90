/**
 * What keeps the package small in an app's bundle: module-level constants that a bundler can drop with the
 * functions that use them, and the literals that stand in for Date calls.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_MS, MIN_MS } from '../src/date.js';

const SRC = fileURLToPath(new URL('../src/index.ts', import.meta.url));

async function bundle(names: string): Promise<string> {
  const r = await build({
    stdin: { contents: `export { ${names} } from ${JSON.stringify(SRC)};`, resolveDir: '.', loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

describe('date range constants', () => {
  it('are the first and last milliseconds of the years 0000-9999', () => {
    expect(MAX_MS).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    expect(MIN_MS).toBe(new Date(0).setUTCFullYear(0, 0, 1));
    expect(new Date(MIN_MS).toISOString()).toBe('0000-01-01T00:00:00.000Z');
  });
});

describe('tree-shaking', () => {
  it('a bundle of toHex carries no base64 table, TextEncoder or date code', async () => {
    const code = await bundle('toHex');
    expect(code).toContain('padStart');
    expect(code).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(code).not.toContain('TextEncoder');
    expect(code).not.toContain('DateTimeFormat');
  });

  it('a bundle of fromBase64 carries the decode table, and one of formatDay the time-zone formatter cache', async () => {
    expect(await bundle('fromBase64')).toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(await bundle('formatDay')).toContain('DateTimeFormat');
  });

  it('a bundle of parseRequestTarget carries nothing of the encodings or dates', async () => {
    const code = await bundle('parseRequestTarget');
    expect(code).not.toMatch(/TextEncoder|ABCDEFGHIJKLMNOPQRSTUVWXYZ|DateTimeFormat|2534023/);
  });
});
