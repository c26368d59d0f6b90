import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execOk } from './exec.js';
import type { Manifest, WorkspacePackage } from './workspace.js';

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** Paths inside the tarball, relative to its `package/` folder. */
  readonly files: readonly string[];
  /** The package.json as published (npm rewrites some fields while packing). */
  readonly manifest: Manifest;
}

interface NpmPackJson {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/**
 * `npm pack` of one workspace package into `dest`, exactly as `npm publish` would send it (lifecycle scripts are
 * skipped: the release builds first, explicitly).
 */
export async function packPackage(pkg: WorkspacePackage, dest: string): Promise<PackedPackage> {
  mkdirSync(dest, { recursive: true });
  const r = await execOk('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: pkg.dir });
  // npm may print notices before the JSON array.
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as NpmPackJson[];
  const info = json[0];
  if (info === undefined) throw new Error(`npm pack printed no result for ${pkg.name}`);
  const tarball = join(dest, info.filename);
  const manifest = JSON.parse((await execOk('tar', ['-xzOf', tarball, 'package/package.json'])).stdout) as Manifest;
  return { name: info.name, version: info.version, tarball, files: info.files.map((f) => f.path).sort(), manifest };
}

/** Packs every package, one after another (npm pack is not safe to run in parallel in one workspace). */
export async function packAll(pkgs: readonly WorkspacePackage[], dest: string): Promise<PackedPackage[]> {
  const out: PackedPackage[] = [];
  for (const p of pkgs) out.push(await packPackage(p, dest));
  return out;
}
