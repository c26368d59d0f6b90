import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execOk } from '../../../../scripts/lib/exec.js';
import { packAll, type PackedPackage } from '../../../../scripts/lib/pack.js';
import { publicPackages, ROOT, type WorkspacePackage } from '../../../../scripts/lib/workspace.js';

/**
 * The packages under test: every public workspace package, or those named in REQSIGN_PACKAGES (comma-separated
 * names or folders) while some are still being written. CI sets nothing, so every package is covered.
 */
export function packagesUnderTest(): WorkspacePackage[] {
  const only = process.env['REQSIGN_PACKAGES']
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return publicPackages(ROOT, only);
}

/** A fresh temporary folder outside the workspace, removed by the returned function. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `reqsign-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function packUnderTest(dest: string): Promise<PackedPackage[]> {
  return packAll(packagesUnderTest(), dest);
}

/**
 * Creates a project in `dir` (outside the workspace) that depends on `names` and installs them from the tarballs.
 * Every @reqsign package, direct or transitive, is pinned to its tarball through `overrides`, so nothing of ours can
 * come from the registry; third-party dependencies (ajv, redis) come from the registry as for any user.
 */
export async function installConsumer(dir: string, names: readonly string[], tarballs: readonly PackedPackage[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const spec = (name: string): string => {
    const t = tarballs.find((p) => p.name === name);
    if (t === undefined) throw new Error(`no tarball for ${name}`);
    return `file:${t.tarball}`;
  };
  const manifest = {
    name: 'reqsign-consumer',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(names.map((n) => [n, spec(n)])),
    overrides: Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.tarball}`])),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await execOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: 300_000,
  });
}

/** Names of every package installed in a project's node_modules tree (`npm ls --all`). */
export async function installedNames(dir: string): Promise<Set<string>> {
  const r = await execOk('npm', ['ls', '--all', '--json'], { cwd: dir });
  const names = new Set<string>();
  const walk = (deps: Record<string, { dependencies?: Record<string, unknown> }> | undefined): void => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      names.add(name);
      walk(node.dependencies as never);
    }
  };
  walk((JSON.parse(r.stdout) as { dependencies?: never }).dependencies);
  return names;
}

export { ROOT };
export type { PackedPackage };
