/**
 * Every package as it would be published: `npm pack`, then on the tarball itself publint (strict), Are the Types
 * Wrong (ESM-only profile), the metadata the issue requires, a whitelist of paths, and internal ranges.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { checkTarball, manifestProblems, satisfies, typesFirst } from '../../../scripts/lib/checks.js';
import { packagesUnderTest, packUnderTest, scratch, type PackedPackage } from './support/packages.js';

const names = packagesUnderTest().map((p) => p.name);

const tmp = scratch('tarballs');
let packed: PackedPackage[] = [];

beforeAll(async () => {
  packed = await packUnderTest(tmp.dir);
});
afterAll(() => tmp.remove());

describe.each(names)('%s tarball', (name) => {
  const tarball = (): PackedPackage => packed.find((p) => p.name === name)!;

  it('passes publint --strict, attw (esm-only), metadata, whitelist and range checks', async () => {
    const result = await checkTarball(tarball(), packed);
    expect(result.problems).toEqual([]);
    // The same tarball without its LICENSE is refused (so the check above can fail).
    const without = await checkTarball({ ...tarball(), files: tarball().files.filter((f) => f !== 'LICENSE') }, packed);
    expect(without.problems).toContain('missing LICENSE');
  });

  it("carries the repository's MIT LICENSE, unchanged", () => {
    expect(tarball().files).toContain('LICENSE');
    const dir = packagesUnderTest().find((p) => p.name === name)!.dir;
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(tarball().manifest['license']).toBe('MIT');
  });

  it('ships built ESM with declarations for every export, and no sources, tests or maps', () => {
    const { files, manifest } = tarball();
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.map'))).toBe(false);
    const leaves = (target: unknown, conditions: string[]): [string[], string][] =>
      typeof target === 'string'
        ? [[conditions, target]]
        : Object.entries(target as object).flatMap(([c, t]) => leaves(t, [...conditions, c]));
    const exportsMap = manifest['exports'] as Record<string, unknown>;
    for (const [sub, target] of Object.entries(exportsMap)) {
      if (sub === './package.json') continue;
      for (const [conditions, path] of leaves(target, [])) {
        expect(files, `${sub} ${conditions.join('.')}`).toContain(path.replace(/^\.\//, ''));
        expect(path).toMatch(conditions.at(-1) === 'types' ? /\.d\.ts$/ : /\.js$/);
      }
    }
  });
});

/** Each `sourceMappingURL` comment of a tarball's files, and the path it points to (relative to the package). */
function sourceMapLinks(dir: string, files: readonly string[]): { file: string; target: string }[] {
  return files
    .filter((f) => /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(f))
    .flatMap((file) =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(/[#@] sourceMappingURL=(\S+)/g)]
        .map((m) => m[1]!)
        .filter((url) => !url.startsWith('data:'))
        .map((url) => ({ file, target: posix.normalize(posix.join(posix.dirname(file), url)) })),
    );
}

describe.each(names)('%s tarball: source maps', (name) => {
  it('has no sourceMappingURL that points to a file the tarball does not carry', () => {
    const { tarball, files } = packed.find((p) => p.name === name)!;
    const dir = join(tmp.dir, 'unpacked', name.replace('/', '+'));
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const links = sourceMapLinks(join(dir, 'package'), files);
    expect(links.filter((l) => !files.includes(l.target))).toEqual([]);
  });
});

describe('the checks themselves catch broken packages', () => {
  it('finds a sourceMappingURL to a map the tarball lacks (so the source map check can fail)', () => {
    const dir = join(tmp.dir, 'maps');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.js'), 'export {};\n//# sourceMappingURL=index.js.map\n');
    expect(sourceMapLinks(dir, ['dist/index.js'])).toEqual([{ file: 'dist/index.js', target: 'dist/index.js.map' }]);
  });

  it.each([
    [{ types: './a.d.ts', default: './a.js' }, true],
    [{ node: { types: './n.d.ts', default: './n.js' }, types: './a.d.ts', default: './a.js' }, true],
    [{ node: { types: './n.d.ts', default: './n.js' }, default: { types: './a.d.ts', default: './a.js' } }, true],
    [{ default: './a.js', types: './a.d.ts' }, false],
    [{ node: './n.js', types: './a.d.ts', default: './a.js' }, false],
    [{ node: { default: './n.js', types: './n.d.ts' }, types: './a.d.ts' }, false],
    [{ types: './a.js' }, false],
    [{}, false],
  ])('types first in %j: %s', (target, ok) => {
    expect(typesFirst(target)).toBe(ok);
  });

  const good = (): PackedPackage => packed[0]!;
  const broken = (patch: Record<string, unknown>): PackedPackage => ({ ...good(), manifest: { ...good().manifest, ...patch } });

  it('accepts a package as packed (the reference for the cases below)', () => {
    expect(manifestProblems(good())).toEqual([]);
  });
  it.each([
    ['CommonJS type', { type: 'commonjs' }, /"type"/],
    ['side effects', { sideEffects: true }, /sideEffects/],
    ['types not first', { exports: { '.': { default: './dist/index.js', types: './dist/index.d.ts' } } }, /types/],
    ['no files whitelist', { files: undefined }, /files/],
    ['no engines', { engines: undefined }, /engines/],
    ['no license', { license: undefined }, /license/],
    ['no repository directory', { repository: { type: 'git', url: 'x' } }, /repository/],
    ['restricted access', { publishConfig: {} }, /access/],
    ['a bin path npm publish rewrites', { bin: { reqsign: './bin/reqsign.cjs' } }, /bin\["reqsign"\]/],
  ])('flags %s', (_what, patch, message) => {
    const problems = manifestProblems(broken(patch));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('flags a tarball that publint and attw reject (an export pointing at a file that is not published)', async () => {
    const p = broken({ exports: { '.': { types: './dist/missing.d.ts', default: './dist/missing.js' } } });
    // The manifest patch is in memory only; publint and attw read the real tarball, so check them on a real one.
    const { writeBrokenTarball } = await import('./support/broken.js');
    const tgz = await writeBrokenTarball(good().tarball, tmp.dir, p.manifest);
    const result = await checkTarball({ ...p, tarball: tgz }, packed);
    expect(result.problems.some((l) => l.startsWith('publint'))).toBe(true);
    expect(result.problems.some((l) => l.startsWith('attw'))).toBe(true);
  });

  it.each([
    ['0.1.0', '^0.1.0', true],
    ['0.1.5', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['1.4.0', '^1.2.3', true],
    ['2.0.0', '^1.2.3', false],
    ['1.2.2', '^1.2.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.0.0', '1.0.0', true],
    ['0.2.0', '>=0.1.0 <1', true],
    ['1.0.0', '>=0.1.0 <1', false],
    ['0.0.9', '>=0.1.0 <1', false],
    ['0.2.0', '^0.1.0 || ^0.2.0', true],
    ['0.3.0', '^0.1.0 || ^0.2.0', false],
    ['1.0.0', 'workspace:*', false],
    ['1.0.0', '^1', false],
    ['1.0.0', '*', false],
  ])('version %s against %s: %s', (version, range, ok) => {
    expect(satisfies(version, range)).toBe(ok);
  });
});
