/**
 * What each server-side runtime resolves (`node` condition: node:crypto build; `/webcrypto`: the portable one),
 * and the browser bundle of the vector suite (WebCrypto builds, no node:*) run in Deno and Bun as a worker would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors } from '../../../conformance/dist/index.js';
import { exec } from '../../../scripts/lib/exec.js';
import { publicPackages, ROOT } from '../../../scripts/lib/workspace.js';
import { SCHEMES } from '../../../conformance/src/schemes.js';
import { scratch } from '../../packaging/test/support/packages.js';
import { bundleSuite } from './support/bundle.js';
import { requireBinary, RUNTIMES } from './support/runtimes.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('runtimes');

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const files = loadVectors().map((f) => ({ name: f.name, scheme: f.scheme, operation: f.operation, cases: f.cases }));
const total = files.reduce((n, f) => n + f.cases.length, 0);
const tmp = scratch('bundle');
let bundlePath = '';
let vectorsPath = '';

beforeAll(async () => {
  bundlePath = join(tmp.dir, 'suite.mjs');
  vectorsPath = join(tmp.dir, 'vectors.json');
  writeFileSync(bundlePath, (await bundleSuite()).code);
  writeFileSync(vectorsPath, JSON.stringify(files));
});
afterAll(() => tmp.remove());

/** The packages with two crypto builds: a `./webcrypto` export (every signing scheme of SCHEMES has one). */
const TWO_BUILDS = publicPackages()
  .filter((p) => Object.hasOwn((p.manifest['exports'] ?? {}) as object, './webcrypto'))
  .map((p) => p.name)
  .sort();

describe.each(RUNTIMES)('$name', (rt) => {
  it('resolves the bare package names to the node:crypto builds and /webcrypto to the portable ones', async () => {
    expect(TWO_BUILDS).toEqual(expect.arrayContaining(SCHEMES.filter((s) => s.crypto !== 'none').map((s) => s.package)));
    const r = await exec(requireBinary(rt), [...rt.command.slice(1), fixture('entry-probe.mjs')], { cwd: ROOT });
    expect(r.stderr).toBe('');
    const found = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(found).sort()).toEqual(TWO_BUILDS);
    for (const name of TWO_BUILDS) expect(found[name], name).toEqual({ bare: 'node', webcrypto: 'webcrypto', distinct: true });
  });
});

describe.each(RUNTIMES.filter((r) => r.name === 'deno' || r.name === 'bun'))('the browser bundle on $name', (rt) => {
  it('passes every vector over WebCrypto with nothing but standard globals', async () => {
    const r = await exec(requireBinary(rt), [...rt.command.slice(1), fixture('bundle-driver.mjs'), bundlePath, vectorsPath], {
      cwd: tmp.dir,
      timeoutMs: 300_000,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { env, results } = JSON.parse(r.stdout) as {
      env: { subtle: boolean };
      results: { id: string; status: string; stage?: string }[];
    };
    expect(env.subtle).toBe(true);
    expect(results.filter((x) => x.status !== 'pass').map((x) => `${x.id} ${x.status} ${x.stage ?? ''}`)).toEqual([]);
    expect(results).toHaveLength(total);
  }, 300_000);
});
