/**
 * The API reference: TypeDoc over every published package (typedoc.config.mjs at the root, `npm run docs`), built here
 * as CI builds it, offline. It must document every name each entry point exports (per api/*.api.md's reading of
 * the built declarations), under that entry point.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedNames } from '../../../scripts/lib/apiReport.js';
import { BIN, publicPackages, ROOT } from '../../../scripts/lib/workspace.js';

interface Reflection {
  readonly name: string;
  readonly children?: readonly Reflection[];
}

const out = mkdtempSync(join(tmpdir(), 'reqsign-typedoc-'));
let project: Reflection;
let log = '';
beforeAll(() => {
  log = execFileSync(join(BIN, 'typedoc'), ['--out', join(out, 'html'), '--json', join(out, 'api.json')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  project = JSON.parse(readFileSync(join(out, 'api.json'), 'utf8')) as Reflection;
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('API reference (TypeDoc)', () => {
  it('builds without errors, HTML and JSON', () => {
    expect(log).not.toMatch(/\[error\]/);
    expect(existsSync(join(out, 'html', 'index.html'))).toBe(true);
  });

  it.each(publicPackages().map((p) => [p.name, p] as const))('documents every export of every entry point of %s', (name, pkg) => {
    const documented = project.children?.find((c) => c.name === name);
    expect(documented, `${name} has no page`).toBeDefined();
    const missing: string[] = [];
    for (const [subpath, names] of exportedNames(pkg)) {
      // TypeDoc names a package's entry points by subpath: '' for '.', 'webcrypto' for './webcrypto'. A package
      // with one entry point is documented as that module itself.
      const module = documented!.children?.find((m) => m.name === (subpath === '.' ? '' : subpath.slice(2)));
      const inModule = new Set((module ?? (exportedNames(pkg).size === 1 ? documented : undefined))?.children?.map((c) => c.name) ?? []);
      for (const n of names) if (!inModule.has(n)) missing.push(`${subpath} ${n}`);
    }
    expect(missing).toEqual([]);
  });
});
