/**
 * Numbers in docs are written by the scripts that measure them, and checked here against what the script would
 * write now. What each kind of number is and how it is kept true:
 *
 * - Bundle and file sizes (docs/RELEASING.md's tables, the sizes in the nog, nops and cli READMEs): `npm run size`
 *   writes them between `<!-- size:KEY -->` and `<!-- /size -->` (scripts/lib/size-docs.ts). Sizes do not depend on
 *   the machine, so this test measures them again (esbuild, the same way) and fails on any difference, naming
 *   `npm run size`. A byte figure next to "gzip" outside a region fails too.
 * - Ceilings and budgets (schemes.ts `bundle`, the CLI bench's budgets): constants, written into the docs from the
 *   constants by the same scripts.
 * - Benchmark figures (times, ratios): they vary by machine, so a fresh measurement in a test would test the
 *   machine, not the doc. The bench writes its run into the doc with the machine, Node version and commit it ran on,
 *   and the raw figures in a comment beside the table; this test renders the table again from those figures with
 *   the bench's own renderer and fails when the table differs (a figure edited by hand) or is not stamped. Done for
 *   the CLI's start-up table (`npm run bench -w @reqsign/cli`); the nog, nops, nog-redis and nog-durable-objects
 *   bench tables are still written by hand (see the list in STILL_BY_HAND below).
 * - Counts of vectors: tests/docs/test/readme-counts.test.ts.
 * - Limits and defaults quoted in prose (16384, 8192, 2^31 - 1 ms): each is an option's documented value, tested
 *   by its package's suite; not a measurement.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS, budgetFigures, renderStartup } from '../../../packages/cli/bench/startup-docs.mjs';
import { docFiles, regionsOf, rewriteRegions } from '../../../scripts/lib/doc-regions.js';
import { measureSizes } from '../../../scripts/lib/size.js';
import { SIZE_COMMAND, sizeFigures } from '../../../scripts/lib/size-docs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';

const docs = docFiles(ROOT).map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

/** Bench tables still written by hand: each is a run on one machine, described in its README's prose. */
export const STILL_BY_HAND = [
  'packages/nog/README.md (performance table)',
  'packages/nops/README.md (performance table)',
  'packages/nog-redis/README.md (claims/s table)',
  'packages/nog-durable-objects/README.md (put/s table)',
];

describe('sizes in the docs are what npm run size writes', () => {
  let figures: Record<string, string>;
  beforeAll(async () => {
    figures = sizeFigures(await measureSizes(ROOT));
  }, 120_000);

  it('every size region holds this run’s figure', () => {
    const wrong: string[] = [];
    for (const { file, text } of docs) {
      for (const r of regionsOf(text, 'size')) {
        const expected = rewriteRegions(
          `<!-- size:${r.key} -->${r.content}<!-- /size -->`,
          'size',
          Object.hasOwn(figures, r.key) ? { [r.key]: figures[r.key]! } : {},
        );
        if (expected.unknown.length > 0) wrong.push(`${file}:${r.line}: size:${r.key} is no figure scripts/lib/size-docs.ts writes`);
        else if (expected.text !== `<!-- size:${r.key} -->${r.content}<!-- /size -->`) {
          wrong.push(
            `${file}:${r.line}: size:${r.key} says ${JSON.stringify(r.content.trim())}, measured ${JSON.stringify(figures[r.key])}`,
          );
        }
      }
    }
    expect(wrong, `${SIZE_COMMAND} rewrites these`).toEqual([]);
  });

  it('the size tables and sizes quoted are in regions (RELEASING, nog, nops, cli)', () => {
    const keys = docs.flatMap(({ file, text }) => regionsOf(text, 'size').map((r) => `${file} ${r.key}`));
    for (const k of [
      'docs/RELEASING.md table-jose',
      'docs/RELEASING.md table-budgets',
      'docs/RELEASING.md nops-client-below-jose',
      'packages/nops/README.md nops-signwithcryptokey',
      'packages/nops/README.md nops-client',
      'packages/nog/README.md nog-diagnose',
      'packages/cli/README.md cli-nog-sign',
    ]) {
      expect(keys).toContain(k);
    }
  });

  it('no byte size of a bundle outside a region', () => {
    const stray: string[] = [];
    for (const { file, text } of docs) {
      const outside = text.replace(/<!-- size:[a-z0-9-]+ -->[\s\S]*?<!-- \/size -->/g, 'REGION');
      outside.split('\n').forEach((line, i) => {
        if (/gzip|bundle/i.test(line) && /\b\d[\d,.]*\s?(B|KB|KiB|kB)\b/.test(line)) stray.push(`${file}:${i + 1}: ${line}`);
      });
    }
    expect(stray, `write these through scripts/lib/size-docs.ts (${SIZE_COMMAND})`).toEqual([]);
  });

  it('catches a figure edited by hand (the check can fail)', () => {
    const edited = '<!-- size:nog-client -->1 B<!-- /size -->';
    expect(rewriteRegions(edited, 'size', figures).text).not.toBe(edited);
    const table = `<!-- size:table-jose -->\n\n${figures['table-jose']!.replace(/\d,\d{3} B/, '9,999 B')}\n\n<!-- /size -->`;
    expect(rewriteRegions(table, 'size', figures).text).not.toBe(table);
  });
});

describe("the CLI's start-up figures are the bench's run, stamped", () => {
  const readme = docs.find((d) => d.file === 'packages/cli/README.md')!.text;
  const regions = regionsOf(readme, 'bench-cli');

  it('the table is what the bench renders from the figures beside it, with machine, Node and commit', () => {
    const startup = regions.find((r) => r.key === 'startup');
    expect(startup, 'packages/cli/README.md has no bench-cli:startup region').toBeDefined();
    const raw = /^\s*<!-- (\{.*\}) -->/.exec(startup!.content)?.[1];
    expect(raw, 'run npm run bench -w @reqsign/cli: the region holds no run').toBeDefined();
    const run = JSON.parse(raw!) as Parameters<typeof renderStartup>[0];
    expect(startup!.content.trim(), 'the table differs from its run: npm run bench -w @reqsign/cli rewrites it').toBe(renderStartup(run));
    expect(run.machine).toMatch(/\S/);
    expect(run.node).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(run.commit).toMatch(/^[0-9a-f]{7,40}( \(with uncommitted changes\))?$/);
    // The commit is one of this repository's (a clone without history cannot tell, so only when git knows it).
    const hash = run.commit.split(' ')[0]!;
    let known = true;
    try {
      execFileSync('git', ['cat-file', '-e', `${hash}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      known = execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: ROOT, encoding: 'utf8' }).trim() === 'true';
    }
    expect(known, `commit ${hash} of the start-up table is not in this repository`).toBe(true);
    for (const row of run.rows) expect([null, BUDGETS.dispatcher, BUDGETS.command]).toContain(row.budget);
  });

  it('the budgets in the prose are the bench’s', () => {
    const figures = budgetFigures() as Record<string, string>;
    for (const r of regions.filter((x) => x.key !== 'startup')) {
      expect(figures[r.key], `bench-cli:${r.key}`).toBeDefined();
      expect(r.content, `bench-cli:${r.key}: npm run bench -w @reqsign/cli rewrites it`).toBe(figures[r.key]);
    }
    expect(regions.map((r) => r.key).sort()).toEqual(['budget-command', 'budget-dispatcher', 'startup']);
  });

  it('catches a ratio edited by hand (the check can fail)', () => {
    const run = {
      machine: 'm',
      node: 'v20.0.0',
      commit: 'abcdef1234',
      date: '2026-01-01',
      rounds: 1,
      floorMs: 20,
      rows: [{ label: 'x', ms: 25, ratio: 1.25, budget: 1.5 }],
    };
    const table = renderStartup(run);
    expect(table.replace('1.25x', '1.05x')).not.toBe(renderStartup(run));
  });
});
