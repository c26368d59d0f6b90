import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/lib/workspace.js';

/**
 * docs/ARCHITECTURE.md's table of what each package may import, checked against every import in its sources, so
 * that the document and the code cannot disagree.
 */
const RULES: Record<string, { readonly packages: readonly string[]; readonly node: readonly string[] | 'any' }> = {
  'packages/canonical': { packages: [], node: [] },
  'packages/nog': { packages: ['@reqsign/canonical'], node: ['src/node.ts', 'src/internal/crypto-node.ts'] },
  'packages/nops': { packages: ['@reqsign/canonical'], node: ['src/node.ts', 'src/internal/crypto-node.ts'] },
  'packages/nog-redis': { packages: ['@reqsign/nog', 'redis'], node: [] },
  'packages/nog-durable-objects': { packages: ['@reqsign/nog'], node: [] },
  'packages/http': { packages: ['@reqsign/nog', '@reqsign/canonical'], node: [] },
  conformance: {
    // fast-check: the fuzz mode's generators and shrinking.
    packages: ['ajv', 'fast-check'],
    node: [
      'src/cli.ts',
      'src/fuzz.ts',
      'src/fuzz-inputs.ts',
      'src/port.ts',
      'src/runner.ts',
      'src/report.ts',
      'src/vectors.ts',
      'src/index.ts',
      'src/internal/lines.ts',
      'src/internal/processes.ts',
      'src/internal/program.ts',
    ],
  },
  // The debugger page runs in browsers only: the WebCrypto builds, no node:* (its build and serve scripts are not src).
  'packages/debugger': { packages: ['@reqsign/canonical', '@reqsign/nog', '@reqsign/nops'], node: [] },
  'packages/cli': {
    packages: ['@reqsign/canonical', '@reqsign/nog', '@reqsign/nops', '@reqsign/conformance'],
    // The port's handlers run in browsers too (the runtime suites bundle them).
    node: 'any',
  },
};
/**
 * Frameworks whose types a package's entry uses (`import type` only, so nothing of them is loaded at run time): an
 * optional peer dependency, which users of the other entries never install.
 */
const TYPES_ONLY: Record<string, Record<string, string>> = {
  'packages/http': { hono: 'src/hono.ts', fastify: 'src/fastify.ts' },
};
const BROWSER_SAFE_CLI = ['src/port/handlers.ts', 'src/port/canonical.ts', 'src/port/nog.ts', 'src/port/nops.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
}

/** Whether every import of `spec` in a file is `import type` (erased from the build). */
function typeOnly(file: string, spec: string): boolean {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^\s*(import|export)\b/.test(l) && l.includes(`'${spec}'`));
  return lines.length > 0 && lines.every((l) => /^\s*import type\b/.test(l));
}

describe('framework entries load no framework', () => {
  it.each(Object.entries(TYPES_ONLY).flatMap(([pkg, entries]) => Object.entries(entries).map(([name, src]) => [pkg, name, src] as const)))(
    '%s: the build of %s (%s) imports nothing of it at run time',
    (pkg, name, src) => {
      const built = readFileSync(join(ROOT, pkg, src.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')), 'utf8');
      expect(built).not.toMatch(new RegExp(`from ['"]${name}(/[^'"]*)?['"]|import\\(\\s*['"]${name}`));
      expect(built).toContain('export');
    },
  );
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
            const allowed = rule.node === 'any' ? !BROWSER_SAFE_CLI.includes(rel) : rule.node.includes(rel);
            if (!allowed) wrong.push(`${rel}: ${spec}`);
            continue;
          }
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (TYPES_ONLY[pkg]?.[name] === rel && typeOnly(file, spec)) continue;
          if (!rule.packages.includes(name)) wrong.push(`${rel}: ${spec}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

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
    ).toEqual([]);
  });
});
