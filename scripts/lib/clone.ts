import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exec } from './exec.js';
import { ROOT } from './workspace.js';

async function gitFiles(...args: string[]): Promise<string[]> {
  const r = await exec('git', ['ls-files', '-z', ...args], { cwd: ROOT });
  return r.stdout.split('\0').filter((f) => f !== '');
}

/**
 * A clone of this repository's HEAD into `dest` with the working tree's uncommitted changes laid over it (changed and
 * new files copied, deleted ones removed), so that a test of a fresh checkout checks what is on disk. No node_modules,
 * no build output: what git tracks, and what it would track. It has a `main` branch, as a clone of main has.
 */
export async function cloneWorkingTree(dest: string): Promise<void> {
  const cloned = await exec('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dest]);
  if (cloned.code !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  for (const f of await gitFiles('--modified', '--others', '--exclude-standard')) {
    if (!existsSync(join(ROOT, f))) continue; // deleted: handled below
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dest, f));
  }
  for (const f of await gitFiles('--deleted')) rmSync(join(dest, f), { force: true });
  // changesets compares with the base branch `main`: a clone of another branch (a worktree's) has it only as origin/main.
  if ((await exec('git', ['show-ref', '--verify', '--quiet', 'refs/heads/main'], { cwd: dest })).code !== 0) {
    await exec('git', ['branch', '--quiet', 'main', 'origin/main'], { cwd: dest });
  }
}
