/**
 * The whole vector suite on Node 20, 22 and 24, Deno and Bun: the conformance runner drives our TypeScript adapter
 * started by each runtime, once with the packages' default entries (the `node` export condition: node:crypto, which
 * Deno and Bun also select) and once with `/webcrypto` (the portable WebCrypto build). Every case must pass; a
 * runtime that is not installed fails the suite.
 */
import { describe, expect, it } from 'vitest';
import { loadVectors } from '../../../conformance/dist/index.js';
import { requireBinary, runConformance, RUNTIMES, versionOf } from './support/runtimes.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('runtimes');

// Every case the runner sends, those that break their schema too: the port answers them from its input check.
const cases = loadVectors(undefined, undefined, { breaksSchema: true }).flatMap((f) => f.cases.map((c) => `${f.name}/${c.id}`));
const EXPECTED_MAJOR: Record<string, RegExp> = { node20: /^v20\./, node22: /^v22\./, node24: /^v24\./, deno: /^deno 2\./, bun: /^1\./ };

describe.each(RUNTIMES)('$name', (rt) => {
  it('is installed, at the expected major version', async () => {
    requireBinary(rt);
    expect(await versionOf(rt)).toMatch(EXPECTED_MAJOR[rt.name]!);
  });

  it('passes every vector on both crypto paths', async () => {
    // The runner itself runs on the runtime under test when that is a node, else on this node.
    const runner = rt.name.startsWith('node') ? requireBinary(rt) : process.execPath;
    const run = await runConformance(runner, rt);
    expect(run.stderr).toBe('');
    expect(Object.keys(run.results).sort()).toEqual([`${rt.name}-default`, `${rt.name}-webcrypto`]);
    for (const [impl, results] of Object.entries(run.results)) {
      const notPassed = results.filter((r) => r.status !== 'pass').map((r) => `${r.id} ${r.status} ${r.stage ?? ''}`);
      expect(notPassed, impl).toEqual([]);
      expect(results.map((r) => `${r.file}/${r.id}`).sort(), impl).toEqual([...cases].sort());
    }
    expect(run.stdout).toMatch(new RegExp(`\\b${cases.length * 2} passed, 0 failed\\b`));
    expect(run.code).toBe(0);
    console.log(`${rt.name} (${await versionOf(rt)}): ${cases.length}/${cases.length} vectors on each crypto path`);
  }, 600_000);
});
