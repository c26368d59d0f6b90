import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, type ExecResult } from '../../../../scripts/lib/exec.js';
import { BIN, ROOT } from '../../../../scripts/lib/workspace.js';

export const FIXTURES: string = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The short name of a package (`@reqsign/nog` -> `nog`), which names its fixtures. */
export const short = (name: string): string => name.replace(/^@reqsign\//, '');

/** Copies a fixture into the consumer project (so that its imports resolve from the project) and runs it with node. */
export async function runFixture(dir: string, file: string, node: string = process.execPath): Promise<ExecResult> {
  const target = join(dir, file.split('/').pop()!);
  copyFileSync(join(FIXTURES, file), target);
  return exec(node, [target], { cwd: dir, timeoutMs: 120_000 });
}

export type Resolution = 'nodenext' | 'bundler';

/**
 * Type-checks consumer files against the published declarations with the workspace's tsc: `skipLibCheck` off, so
 * every .d.ts in the tarballs is checked too. NodeNext has Node's types (a server app); Bundler has the DOM instead
 * (a browser app), so declarations that need @types/node fail there.
 */
export async function typeCheck(dir: string, files: readonly string[], resolution: Resolution): Promise<ExecResult> {
  for (const f of files) copyFileSync(join(FIXTURES, 'types', f), join(dir, f));
  const compilerOptions =
    resolution === 'nodenext'
      ? {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022'],
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        }
      : { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] };
  const config = join(dir, `tsconfig.${resolution}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        verbatimModuleSyntax: true,
      },
      files,
    }),
  );
  return exec(join(BIN, 'tsc'), ['-p', config], { cwd: dir, timeoutMs: 120_000 });
}

/** Every .js/.mjs/.cjs file under a folder (a project's node_modules). */
export function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...jsFiles(p));
    else if (/\.[cm]?js$/.test(entry)) out.push(p);
  }
  return out;
}

export const read = (p: string): string => readFileSync(p, 'utf8');
