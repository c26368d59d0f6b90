import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMES } from '../../../conformance/src/schemes.js';
import { ROOT, workspacePackages } from '../../../scripts/lib/workspace.js';

/** A package's rule, as docs/ARCHITECTURE.md's table says it. */
interface Rule {
  readonly packages: readonly string[];
  /** Frameworks whose types an entry uses (`import type` only: an optional peer), by the file that may. */
  readonly typesOnly: Readonly<Record<string, string>>;
  /** The files that may import `node:*`, or any file but those under `forbidden` (unless `except`). */
  readonly node: readonly string[] | { readonly forbidden: readonly string[]; readonly except: readonly string[] };
}

const ARCHITECTURE = join(ROOT, 'docs', 'ARCHITECTURE.md');
const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const outsideParentheses = (cell: string): string => cell.replace(/\([^)]*\)/g, '');

/**
 * docs/ARCHITECTURE.md's table of what each package may import, read from the document itself (not a copy), so
 * that the document and the code cannot disagree. `the package of every scheme in SCHEMES` is the conformance
 * manifest's packages.
 */
function architectureRules(): Record<string, Rule> {
  const text = readFileSync(ARCHITECTURE, 'utf8');
  const section = text.slice(text.indexOf('## What each package may import'), text.indexOf('Rules behind the table:'));
  const dirOf = new Map(workspacePackages().map((p) => [p.name, p.path]));
  const rules: Record<string, Rule> = {};
  for (const line of section.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length !== 4 || !cells[0]!.startsWith('`@')) continue;
    const [pkgCell, mayCell, typesCell, nodeCell] = cells as [string, string, string, string];
    const name = ticked(pkgCell)[0]!;
    const dir = dirOf.get(name);
    if (dir === undefined) throw new Error(`docs/ARCHITECTURE.md names ${name}, which is no workspace package`);
    const may = outsideParentheses(mayCell);
    const packages = ticked(may).filter((t) => /^(@[a-z0-9-]+\/)?[a-z0-9-]+$/.test(t) && t !== 'SCHEMES');
    if (may.includes('every scheme in `SCHEMES`')) packages.push(...SCHEMES.map((s) => s.package));
    const typesOnly: Record<string, string> = {};
    for (const m of typesCell.matchAll(/`([^`]+)` in `([^`]+)`/g)) typesOnly[m[1]!] = m[2]!;
    const node = outsideParentheses(nodeCell);
    let nodeRule: Rule['node'];
    if (/^none\b/.test(node)) nodeRule = [];
    else if (/^any but\b/.test(node)) {
      const [forbidden, except = ''] = node.split(/\bexcept\b/);
      nodeRule = { forbidden: ticked(forbidden!), except: ticked(except) };
    } else nodeRule = ticked(node);
    rules[dir] = { packages, typesOnly, node: nodeRule };
  }
  return rules;
}

const RULES = architectureRules();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // `import x from 'm'`, `export ... from 'm'`, `import('m')`, and a side-effect `import 'm'`.
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g,
    ),
  ].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

/** Whether every import of `spec` in a file is `import type` (erased from the build). */
function typeOnly(file: string, spec: string): boolean {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^\s*(import|export)\b/.test(l) && l.includes(`'${spec}'`));
  return lines.length > 0 && lines.every((l) => /^\s*import type\b/.test(l));
}

describe('framework entries load no framework', () => {
  it.each(
    Object.entries(RULES).flatMap(([pkg, { typesOnly: entries }]) =>
      Object.entries(entries).map(([name, src]) => [pkg, name, src] as const),
    ),
  )('%s: the build of %s (%s) imports nothing of it at run time', (pkg, name, src) => {
    const built = readFileSync(join(ROOT, pkg, src.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')), 'utf8');
    expect(built).not.toMatch(new RegExp(`from ['"]${name}(/[^'"]*)?['"]|import\\(\\s*['"]${name}`));
    expect(built).toContain('export');
  });
});

describe('imports agree with docs/ARCHITECTURE.md', () => {
  for (const [pkg, rule] of Object.entries(RULES)) {
    it(`${pkg} imports only what it may`, () => {
      const wrong: string[] = [];
      for (const file of sources(join(ROOT, pkg, 'src'))) {
        const rel = relative(join(ROOT, pkg), file);
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.')) continue;
          if (spec.startsWith('node:')) {
            const n = rule.node;
            const allowed =
              'forbidden' in n
                ? n.except.includes(rel) || !n.forbidden.some((f) => (f.endsWith('/') ? rel.startsWith(f) : rel === f))
                : n.includes(rel);
            if (!allowed) wrong.push(`${rel}: ${spec}`);
            continue;
          }
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (rule.typesOnly[name] === rel && typeOnly(file, spec)) continue;
          if (!rule.packages.includes(name)) wrong.push(`${rel}: ${spec}`);
        }
      }
      expect(
        wrong,
        `each import must be allowed in ${pkg}'s row of docs/ARCHITECTURE.md's table "What each package may import" (add it there, or drop the import)`,
      ).toEqual([]);
    });
  }

  it("every package a package's sources import is in its package.json (dependencies, or peers for types and peers)", () => {
    const undeclared: string[] = [];
    for (const p of workspacePackages()) {
      let files: string[];
      try {
        files = sources(join(p.dir, 'src'));
      } catch {
        continue;
      }
      const declared = new Set([...Object.keys(p.manifest.dependencies ?? {}), ...Object.keys(p.manifest.peerDependencies ?? {})]);
      for (const file of files) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.') || spec.startsWith('node:')) continue;
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (name !== p.name && !declared.has(name))
            undeclared.push(`add "${name}" to ${p.path}/package.json's dependencies (${relative(p.dir, file)})`);
        }
      }
    }
    // A workspace links every package at the root, so an undeclared one still resolves here; an install from the
    // registry would not have it.
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it('reads the table: a row for each package, the rules as written', () => {
    expect(Object.keys(RULES).length).toBeGreaterThanOrEqual(8);
    expect(RULES['packages/canonical']).toEqual({ packages: [], typesOnly: {}, node: [] });
    expect(RULES['packages/http']!.typesOnly).toEqual({ hono: 'src/hono.ts', fastify: 'src/fastify.ts', koa: 'src/koa-state.ts' });
    expect(RULES['packages/cli']!.packages).toEqual(expect.arrayContaining(SCHEMES.map((s) => s.package)));
    expect(RULES['packages/cli']!.node).toEqual({ forbidden: ['src/port/'], except: ['src/port/main.ts'] });
    // nog-redis's README: "The store never imports `redis`: it takes your client by shape".
    expect(RULES['packages/nog-redis']!.packages).toEqual(['@reqsign/canonical', '@reqsign/nog']);
  });

  it('the table lists every package with sources', () => {
    const dirs = ['conformance', ...readdirSync(join(ROOT, 'packages')).map((d) => `packages/${d}`)];
    expect(
      dirs
        .filter((d) => !(d in RULES))
        .filter((d) => {
          try {
            return readdirSync(join(ROOT, d, 'src')).length > 0;
          } catch {
            return false;
          }
        }),
      `add a row for each to docs/ARCHITECTURE.md's table "What each package may import"`,
    ).toEqual([]);
  });
});
