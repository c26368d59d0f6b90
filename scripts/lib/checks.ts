import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { exec } from './exec.js';
import type { PackedPackage } from './pack.js';
import { BIN } from './workspace.js';

export interface CheckResult {
  readonly name: string;
  /** What is wrong, one line each; empty when the package may be published. */
  readonly problems: readonly string[];
}

/** Paths a tarball may contain, beyond `package.json`: built code, data, documentation, the reference ports' sources. */
const ALLOWED = [
  /^dist\/.+\.(js|cjs|d\.ts)$/,
  /^bin\/[\w.-]+\.c?js$/,
  /^vectors\/[^/]+\.json$/,
  /^schema\/[^/]+\.json$/,
  /^ports\/[a-z0-9-]+\/[\w.-]+\.(py|md)$/,
  /^(README|CHANGELOG|PROTOCOL|LICENSE)(\.md)?$/,
  /^package\.json$/,
];

/**
 * Every check a tarball must pass before it is published: publint (strict: warnings are errors), Are the Types
 * Wrong (ESM-only profile: Node 16+ ESM and bundler resolution must find the types), the publishing metadata the
 * issue asks for, a whitelist of paths, and internal dependency ranges that the versions being released satisfy.
 */
export async function checkTarball(pkg: PackedPackage, all: readonly PackedPackage[]): Promise<CheckResult> {
  const problems: string[] = [];
  const bytes = readFileSync(pkg.tarball);
  const lint = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
    strict: true,
    level: 'warning',
  });
  for (const m of lint.messages) problems.push(`publint ${m.type}: ${formatMessage(m, lint.pkg, { color: false }) ?? m.code}`);

  const attw = await exec(join(BIN, 'attw'), [pkg.tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji']);
  if (attw.code !== 0) problems.push(`attw: ${(attw.stdout + attw.stderr).trim()}`);

  problems.push(...manifestProblems(pkg));
  for (const f of pkg.files) if (!ALLOWED.some((re) => re.test(f))) problems.push(`file not meant for publishing: ${f}`);
  for (const required of ['package.json', 'README.md', 'LICENSE']) if (!pkg.files.includes(required)) problems.push(`missing ${required}`);
  problems.push(...dependencyProblems(pkg, all));
  return { name: pkg.name, problems };
}

/** The publishing metadata every package carries (ESM only, exports map, whitelist, engines, license, repository). */
export function manifestProblems(pkg: PackedPackage): string[] {
  const m = pkg.manifest;
  const p: string[] = [];
  if (m['type'] !== 'module') p.push('"type" must be "module" (ESM only)');
  if (m['sideEffects'] !== false) p.push('"sideEffects" must be false');
  const exportsMap = m['exports'] as Record<string, unknown> | undefined;
  if (exportsMap === undefined || typeof exportsMap !== 'object') p.push('"exports" map missing');
  else {
    for (const [sub, target] of Object.entries(exportsMap)) {
      if (sub === './package.json') continue;
      if (!typesFirst(target)) p.push(`exports["${sub}"] must list "types" first (in every condition object)`);
    }
  }
  if (!Array.isArray(m['files'])) p.push('"files" whitelist missing');
  const engines = m['engines'] as Record<string, unknown> | undefined;
  if (typeof engines?.['node'] !== 'string') p.push('"engines.node" missing');
  if (typeof m['license'] !== 'string') p.push('"license" missing');
  const repo = m['repository'] as Record<string, unknown> | undefined;
  if (typeof repo?.['url'] !== 'string' || typeof repo['directory'] !== 'string') p.push('"repository" needs url and directory');
  const pub = m['publishConfig'] as Record<string, unknown> | undefined;
  if (pub?.['access'] !== 'public') p.push('"publishConfig.access" must be "public" (scoped packages are private by default)');
  // npm publish rewrites a bin path that is not plain relative (`./bin/x.js`), with a warning that says the entry
  // "was invalid and removed": publish what is written.
  for (const [name, path] of Object.entries((m['bin'] ?? {}) as Record<string, unknown>)) {
    if (typeof path !== 'string' || path.startsWith('./') || path.startsWith('/') || path.includes('\\')) {
      p.push(`bin["${name}"] must be a plain relative path such as bin/${name}.js (npm publish rewrites ${JSON.stringify(path)})`);
    }
  }
  return p;
}

/**
 * Whether a conditional export resolves types before code under every condition: no condition that maps to a file
 * comes before `types`; a condition may map to a nested object (`"node": { "types", "default" }`) that follows the
 * same rule.
 */
export function typesFirst(target: unknown): boolean {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return false;
  const entries = Object.entries(target);
  for (const [condition, value] of entries) {
    if (condition === 'types') return typeof value === 'string' && value.endsWith('.d.ts');
    if (!typesFirst(value)) return false;
  }
  return entries.length > 0;
}

/** An internal dependency whose range the version being released does not satisfy would install another copy. */
export function dependencyProblems(pkg: PackedPackage, all: readonly PackedPackage[]): string[] {
  const p: string[] = [];
  const deps = { ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies };
  for (const [name, range] of Object.entries(deps)) {
    const dep = all.find((d) => d.name === name);
    if (dep === undefined) continue;
    if (!satisfies(dep.version, range)) p.push(`depends on ${name}@${range}, but the release has ${dep.version}`);
  }
  return p;
}

/**
 * Whether `version` is in `range`, for the range forms a manifest of ours may use: exact, `^x.y.z`, `~x.y.z`,
 * comparators (`>=0.1.0 <1`, partial versions padded with zeros) and `||` alternatives. Anything else
 * (`workspace:*`, `*`, tags, URLs) is refused: a published package must not carry it.
 */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (v === undefined) return false;
  return range.split('||').some((alt) => {
    const parts = alt.trim().split(/\s+/).filter(Boolean);
    return parts.length > 0 && parts.every((c) => comparator(v, c));
  });
}

function comparator(v: Triple, c: string): boolean {
  const m = /^(\^|~|>=|<=|>|<|=)?(\d+(?:\.\d+){0,2})$/.exec(c);
  if (m === null) return false;
  const op = m[1] ?? '';
  const nums = m[2]!.split('.').map(Number);
  if ((op === '' || op === '=' || op === '^' || op === '~') && nums.length !== 3) return false;
  const r: Triple = [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0];
  const d = cmp(v, r);
  switch (op) {
    case '':
    case '=':
      return d === 0;
    case '>=':
      return d >= 0;
    case '>':
      return d > 0;
    case '<=':
      return d <= 0;
    case '<':
      return d < 0;
    case '~':
      return d >= 0 && v[0] === r[0] && v[1] === r[1];
    default:
      // Caret: the left-most non-zero part is fixed.
      if (d < 0) return false;
      if (r[0] > 0) return v[0] === r[0];
      if (r[1] > 0) return v[0] === 0 && v[1] === r[1];
      return v[0] === 0 && v[1] === 0 && v[2] === r[2];
  }
}

type Triple = [number, number, number];
function parse(v: string): Triple | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
}
function cmp(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
