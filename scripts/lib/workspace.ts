import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The binaries of the workspace's dev dependencies. */
export const BIN: string = join(ROOT, 'node_modules', '.bin');

export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface WorkspacePackage {
  readonly name: string;
  readonly version: string;
  /** Absolute directory. */
  readonly dir: string;
  /** Directory relative to the root, e.g. `packages/nog`. */
  readonly path: string;
  readonly manifest: Manifest;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every workspace package (the root's `workspaces` globs, `dir/*` or a plain directory). */
export function workspacePackages(root: string = ROOT): WorkspacePackage[] {
  const globs = (readManifest(root)['workspaces'] as string[] | undefined) ?? [];
  const dirs: string[] = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const d of readdirSync(parent, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (d.isDirectory()) dirs.push(join(glob.slice(0, -2), d.name));
      }
    } else {
      dirs.push(glob);
    }
  }
  return dirs
    .filter((d) => existsSync(join(root, d, 'package.json')))
    .map((path) => {
      const manifest = readManifest(join(root, path));
      return { name: manifest.name, version: manifest.version, dir: join(root, path), path, manifest };
    });
}

/**
 * The packages a release publishes (not `private`), dependencies before their dependents, so that installing or
 * publishing in this order never needs a package that comes later. `only` (names or directory basenames) narrows
 * the list, for instance while a package is still being written.
 */
export function publicPackages(root: string = ROOT, only?: readonly string[]): WorkspacePackage[] {
  let pkgs = workspacePackages(root).filter((p) => p.manifest.private !== true);
  if (only !== undefined && only.length > 0) {
    pkgs = pkgs.filter((p) => only.includes(p.name) || only.includes(p.path.split('/').pop()!));
  }
  return topological(pkgs);
}

/** Internal (@reqsign) dependencies of a package, regular and peer. */
export function internalDependencies(pkg: WorkspacePackage, all: readonly WorkspacePackage[]): string[] {
  const names = new Set(all.map((p) => p.name));
  const deps = { ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies };
  return Object.keys(deps).filter((d) => names.has(d));
}

function topological(pkgs: readonly WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: WorkspacePackage[] = [];
  const visit = (p: WorkspacePackage): void => {
    if (done.has(p.name)) return;
    if (visiting.has(p.name)) throw new Error(`dependency cycle through ${p.name}`);
    visiting.add(p.name);
    for (const d of internalDependencies(p, pkgs)) visit(byName.get(d)!);
    visiting.delete(p.name);
    done.add(p.name);
    out.push(p);
  };
  for (const p of pkgs) visit(p);
  return out;
}
