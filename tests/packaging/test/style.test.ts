import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../../../scripts/lib/workspace.js';

// The formatter and the linter (Biome, biome.json) over the whole repository: `npm run format` fixes what it can.
describe('formatting and lint', () => {
  it('biome check passes on every source, test, script and config file', () => {
    const r = spawnSync(join(BIN, 'biome'), ['check', '.', '--max-diagnostics=20'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`.split('\n').filter((l) => /^\S+:\d+:\d+ /.test(l))).toEqual([]);
    expect(r.status).toBe(0);
  });
});
