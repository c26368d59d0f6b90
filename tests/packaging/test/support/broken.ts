import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execOk } from '../../../../scripts/lib/exec.js';

/** A copy of `tarball` whose package.json is replaced by `manifest` (to prove that the checks can fail). */
export async function writeBrokenTarball(tarball: string, dir: string, manifest: object): Promise<string> {
  const work = mkdtempSync(join(dir, 'broken-'));
  await execOk('tar', ['-xzf', tarball, '-C', work]);
  writeFileSync(join(work, 'package', 'package.json'), JSON.stringify(manifest, null, 2));
  const out = join(dir, `broken-${Date.now()}.tgz`);
  await execOk('tar', ['-czf', out, '-C', work, 'package']);
  return out;
}
