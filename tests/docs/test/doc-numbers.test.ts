/**
 * Numbers in docs are written by the scripts that measure them, and checked here against what the script would
 * write now. What each kind of number is and how it is kept true:
 *
 * - Bundle and file sizes (docs/RELEASING.md's tables, the sizes quoted in the package READMEs): `npm run size`
 *   writes them between `<!-- size:KEY -->` and `<!-- /size -->` (scripts/lib/size-docs.ts). Sizes do not depend on
 *   the machine, so this test measures them again (esbuild, the same way) and fails on any difference, naming
 *   `npm run size`. A byte figure next to "gzip" outside a region fails too.
 * - Ceilings and budgets (schemes.ts `bundle`, the CLI bench's budgets): constants, written into the docs from the
 *   constants by the same scripts.
 * - Benchmark figures (times, ratios): they vary by machine, so a fresh measurement in a test would test the
 *   machine, not the doc. The bench writes its run into the doc with the machine, Node version and commit it ran on,
 *   and the raw figures in a comment beside the table; this test renders the table again from those figures with
 *   the bench's own renderer and fails when the table differs (a figure edited by hand) or is not stamped. Done for
 *   the CLI's start-up table (`npm run bench -w @reqsign/cli`), nOps's performance table (`npm run bench -w
 *   @reqsign/nops`), nog's performance and capacity tables (`npm run bench -w @reqsign/nog`) and nog-redis's
 *   performance table (`npm run bench -w @reqsign/nog-redis`, which starts its own Redis server and cluster); the
 *   nog-durable-objects bench table, which needs workerd, is still written by hand (see the list in STILL_BY_HAND
 *   below).
 * - Counts of vectors: tests/docs/test/readme-counts.test.ts.
 * - Limits and defaults quoted in prose (16384, 8192, 2^31 - 1 ms): each is an option's documented value, tested
 *   by its package's suite; not a measurement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS, budgetFigures } from '../../../packages/cli/bench/startup-docs.mjs';
import { budgetFigures as nopsBenchFigures } from '../../../packages/nops/bench/docs.mjs';
import { renderBench } from '../../../scripts/lib/bench-docs.mjs';
import { docFiles, regionsOf, rewriteRegions } from '../../../scripts/lib/doc-regions.js';
import { measureSizes } from '../../../scripts/lib/size.js';
import { SIZE_COMMAND, sizeFigures } from '../../../scripts/lib/size-docs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';

const docs = docFiles(ROOT).map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

/**
 * Benchmark figures still written by hand, by file, with why: each is one run on a set-up the docs describe, which
 * the bench cannot yet write back (they need workerd). Any other table row with a ratio outside
 * a bench region fails below.
 */
export const STILL_BY_HAND: Readonly<Record<string, string>> = {
  'packages/nog-durable-objects/README.md': 'put/s and claims/s in workerd (npm run bench -w @reqsign/nog-durable-objects)',
  'packages/http/README.md': "the which-store table quotes nog-durable-objects' figures",
};

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

  it('the size tables and sizes quoted are in regions (RELEASING and the package READMEs)', () => {
    const keys = docs.flatMap(({ file, text }) => regionsOf(text, 'size').map((r) => `${file} ${r.key}`));
    for (const k of [
      'docs/RELEASING.md table-jose',
      'docs/RELEASING.md table-budgets',
      'docs/RELEASING.md nops-sign-below-jose',
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

/** The inline figures of each bench's regions (constants the prose quotes, such as budgets), by tool. */
const BENCH_FIGURES: Readonly<Record<string, () => Record<string, string>>> = {
  'bench-cli': budgetFigures,
  'bench-nops': nopsBenchFigures,
};

/** Every `bench-*` region of every doc. */
const benchRegions = docs.flatMap(({ file, text }) =>
  [...new Set([...text.matchAll(/<!-- (bench-[a-z]+):[a-z0-9-]+ -->/g)].map((m) => m[1]!))].flatMap((tool) =>
    regionsOf(text, tool).map((r) => ({ file, tool, ...r })),
  ),
);

describe('benchmark figures are the benches’ runs, stamped', () => {
  it('has the CLI’s start-up table and the nOps performance table', () => {
    const keys = benchRegions.map((r) => `${r.file} ${r.tool}:${r.key}`);
    expect(keys).toContain('packages/cli/README.md bench-cli:startup');
    expect(keys).toContain('packages/nops/README.md bench-nops:performance');
    expect(keys).toContain('packages/nog/README.md bench-nog:performance');
    expect(keys).toContain('packages/nog/README.md bench-nog:capacity');
    expect(keys).toContain('packages/nog-redis/README.md bench-nogredis:performance');
  });

  it.each(benchRegions.filter((r) => r.block).map((r) => [`${r.file}:${r.line} ${r.tool}:${r.key}`, r] as const))(
    '%s: the table is what the bench renders from the run beside it, with machine, Node and commit',
    (_id, r) => {
      const raw = /^\s*<!-- (\{.*\}) -->/.exec(r.content)?.[1];
      expect(raw, `${r.file}:${r.line}: the region holds no run: run the bench that writes ${r.tool}`).toBeDefined();
      const run = JSON.parse(raw!) as Parameters<typeof renderBench>[0];
      expect(r.content.trim(), `${r.file}:${r.line}: the table differs from its run (edited by hand?): run the bench again`).toBe(
        renderBench(run),
      );
      expect(run.machine).toMatch(/\S/);
      expect(run.node).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(run.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(run.commit).toMatch(/^[0-9a-f]{7,40}( \(with uncommitted changes\))?$/);
      // Not asked of git: a squash or rebase at merge gives the commit another hash, and the figures stay true.
    },
  );

  it('the inline figures (budgets the prose quotes) are the benches’ constants', () => {
    for (const r of benchRegions.filter((x) => !x.block)) {
      const figures = BENCH_FIGURES[r.tool]?.();
      expect(figures?.[r.key], `${r.file}:${r.line} ${r.tool}:${r.key} is no figure of the bench`).toBeDefined();
      expect(r.content, `${r.file}:${r.line} ${r.tool}:${r.key}: run the bench again`).toBe(figures![r.key]);
    }
  });

  it('the CLI’s start-up rows are judged by the bench’s budgets', () => {
    const r = benchRegions.find((x) => x.tool === 'bench-cli' && x.key === 'startup')!;
    const run = JSON.parse(/<!-- (\{.*\}) -->/.exec(r.content)![1]!) as { rows: string[][] };
    for (const row of run.rows) expect(['', `${BUDGETS.dispatcher}x`, `${BUDGETS.command}x`]).toContain(row[3]);
  });

  it('no table row with a ratio outside a bench region, but in the files of STILL_BY_HAND', () => {
    const stray: string[] = [];
    for (const { file, text } of docs) {
      if (Object.hasOwn(STILL_BY_HAND, file)) continue;
      const outside = text.replace(/<!-- (bench-[a-z]+):[a-z0-9-]+ -->[\s\S]*?<!-- \/\1 -->/g, 'REGION');
      outside.split('\n').forEach((line, i) => {
        if (/^\|.*\b\d+\.\d+x\b/.test(line)) stray.push(`${file}:${i + 1}: ${line.slice(0, 100)}`);
      });
    }
    expect(stray, "a bench's figures: have the bench write them (scripts/lib/bench-docs.mjs)").toEqual([]);
  });

  it('catches a ratio edited by hand (the check can fail)', () => {
    const run = {
      command: 'x',
      machine: 'm',
      node: 'v20.0.0',
      commit: 'abcdef1234',
      date: '2026-01-01',
      columns: ['a', 'ratio'],
      rows: [['x', '1.25x']],
    };
    const table = renderBench(run);
    expect(table.replace('| 1.25x |', '| 1.05x |')).not.toBe(table);
    expect(table.replace('| 1.25x |', '| 1.05x |')).not.toBe(renderBench(JSON.parse(/<!-- (\{.*\}) -->/.exec(table)![1]!)));
  });
});
