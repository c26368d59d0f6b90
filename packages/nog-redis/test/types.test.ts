import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exec } from '../../../scripts/lib/exec.js';
import { ROOT } from '../../../scripts/lib/workspace.js';

// The peer dependency is `redis` ^5 || ^6, and the store takes a client by shape: every client type of both majors
// (client, duplicate, RESP2 and RESP3, cluster, sentinel, pool) must type-check as `client`, without a cast.
describe('the client types the store accepts', () => {
  it('takes every node-redis 5 and 6 client as it comes (tsc --strict over test/types/clients.ts)', { timeout: 120_000 }, async () => {
    const config = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));
    const r = await exec(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: ROOT });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
