import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from './exec.js';
import { BIN } from './workspace.js';

export type BumpType = 'none' | 'patch' | 'minor' | 'major';

export interface PlannedRelease {
  readonly name: string;
  readonly type: BumpType;
  readonly oldVersion: string;
  readonly newVersion: string;
  /** Ids of the changesets that name this package. */
  readonly changesets: readonly string[];
}

export interface ReleasePlan {
  readonly changesets: readonly {
    readonly id: string;
    readonly summary: string;
    readonly releases: readonly { readonly name: string; readonly type: BumpType }[];
  }[];
  readonly releases: readonly PlannedRelease[];
}

/**
 * What `npm run version` would do, from `changeset status --output`. Throws with changesets' own output when it
 * refuses (for instance packages changed since the base branch without a changeset).
 */
export async function releasePlan(root: string): Promise<ReleasePlan> {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-status-'));
  try {
    const file = join(dir, 'status.json');
    const r = await exec(join(BIN, 'changeset'), ['status', '--output', file], { cwd: root });
    if (r.code !== 0) throw new Error(`changeset status failed:\n${r.stdout}${r.stderr}`.trimEnd());
    return JSON.parse(readFileSync(file, 'utf8')) as ReleasePlan;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ORDER: readonly BumpType[] = ['none', 'patch', 'minor', 'major'];

/**
 * Bumps the plan makes that no changeset asked for and that break users' ranges: a major (changesets turns a
 * minor of a peer dependency into a major of its dependents, so a 0.x package would jump to 1.0.0 unasked).
 * Patch and minor bumps of dependents are expected and not reported.
 */
export function unrequestedMajors(plan: ReleasePlan): string[] {
  const out: string[] = [];
  for (const r of plan.releases) {
    if (r.type !== 'major') continue;
    let asked: BumpType = 'none';
    for (const c of plan.changesets) {
      for (const rel of c.releases) if (rel.name === r.name && ORDER.indexOf(rel.type) > ORDER.indexOf(asked)) asked = rel.type;
    }
    if (asked !== 'major') {
      out.push(
        `${r.name} would go ${r.oldVersion} -> ${r.newVersion} (major) though its changesets ask for ${asked}: a peer ` +
          'dependency it names is bumped; widen that peer range or add a major changeset on purpose',
      );
    }
  }
  return out;
}
