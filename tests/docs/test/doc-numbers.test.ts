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
 *   @reqsign/nops`), nog's performance and capacity tables (`npm run bench -w @reqsign/nog`), nog-redis's
 *   performance table (`npm run bench -w @reqsign/nog-redis`, which starts its own Redis server and cluster) and the
 *   Durable Objects sizing table, run in workerd (`npm run bench -w @reqsign/nog-durable-objects`), whose prose
 *   figures (the ratio range, one object's claims/s) are derived again here from the run in its table, and http's
 *   server-CPU table (`npm run bench -w @reqsign/http`).
 * - The memory nonce store's capacity (nog's table and the figure http's which-store table quotes): arithmetic on
 *   its default size, `DEFAULT_MAX_NONCES / authexpires` requests a second, rounded down to a hundred; checked below
 *   against the constant.
 * - Counts of vectors: tests/docs/test/readme-counts.test.ts.
 * - Limits and defaults quoted in prose (16384, 8192, 2^31 - 1 ms): each is an option's documented value, tested
 *   by its package's suite; not a measurement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS, budgetFigures } from '../../../packages/cli/bench/startup-docs.mjs';
import { budgetFigures as nopsBenchFigures } from '../../../packages/nops/bench/docs.mjs';
import { inlineFigures as durableObjectsFigures } from '../../../packages/nog-durable-objects/bench/docs.mjs';
import { DEFAULT_MAX_NONCES } from '@reqsign/nog';
import { MODEL } from '../../../packages/nog-redis/bench/sizing-model.js';
import { renderBench } from '../../../scripts/lib/bench-docs.mjs';
import { docFiles, regionsOf, rewriteRegions } from '../../../scripts/lib/doc-regions.js';
import { measureSizes } from '../../../scripts/lib/size.js';
import { SIZE_COMMAND, sizeFigures } from '../../../scripts/lib/size-docs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';

const docs = docFiles(ROOT).map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

/**
 * Benchmark figures still written by hand, by file, with why: each is one run on a set-up the docs describe, which
 * the bench cannot yet write back. Any other table row with a ratio outside
 * a bench region fails below.
 */
export const STILL_BY_HAND: Readonly<Record<string, string>> = {};

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
      'docs/RELEASING.md nops-sign-vs-jose',
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

/**
 * The inline figures of each bench's regions, by tool: constants the prose quotes (budgets), or figures derived from
 * the run in the same file's table (given as `run`).
 */
const BENCH_FIGURES: Readonly<Record<string, (run: Parameters<typeof renderBench>[0] | undefined) => Record<string, string>>> = {
  'bench-cli': budgetFigures,
  'bench-nops': nopsBenchFigures,
  'bench-do': (run) => {
    if (run === undefined) throw new Error('bench-do figures without the bench-do:sizing run in the same file');
    return durableObjectsFigures(run);
  },
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
    expect(keys).toContain('packages/nog-durable-objects/README.md bench-do:sizing');
    expect(keys).toContain('packages/nog-durable-objects/README.md bench-do:ratio-range');
    expect(keys).toContain('packages/nog-durable-objects/README.md bench-do:claims-per-object');
    expect(keys).toContain('packages/nog-redis/README.md bench-nogredis:performance');
    expect(keys).toContain('packages/http/README.md bench-http:server-cpu');
    expect(keys).toContain('docs/SIZING.md bench-sizing:measured');
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

  it('the inline figures are the benches’ constants (budgets) or derived from the run in the same file', () => {
    for (const r of benchRegions.filter((x) => !x.block)) {
      // The run of the same tool's table in the same file, for figures derived from it.
      const table = benchRegions.find((x) => x.file === r.file && x.tool === r.tool && x.block);
      const raw = table === undefined ? undefined : /^\s*<!-- (\{.*\}) -->/.exec(table.content)?.[1];
      const figures = BENCH_FIGURES[r.tool]?.(raw === undefined ? undefined : JSON.parse(raw));
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

describe("the memory nonce store's capacity is arithmetic on its default size", () => {
  /** Requests a second a store of the default size sustains at `authexpires` seconds, rounded down to a hundred. */
  const sustained = (authexpires: number): string => (Math.floor(DEFAULT_MAX_NONCES / authexpires / 100) * 100).toLocaleString('en-US');
  const text = (file: string): string => docs.find((d) => d.file === file)!.text;

  it("nog's capacity table: each row is DEFAULT_MAX_NONCES / authexpires, under a heading naming the default", () => {
    const nog = text('packages/nog/README.md');
    expect(nog).toContain(`| \`authexpires\` | requests/s sustained at the default ${DEFAULT_MAX_NONCES.toLocaleString('en-US')} |`);
    const rows = [...nog.matchAll(/^\| (\d+) \([^)]*\) \| ([\d,]+) \|/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(rows.map(([e]) => e)).toEqual([300, 600, 3600]);
    for (const [authexpires, figure] of rows) expect(figure, `authexpires ${authexpires}`).toBe(sustained(authexpires));
  });

  it("http's which-store table quotes the default and the rate at authexpires=600", () => {
    const m = /([\d,]+) live nonces by default: ([\d,]+) nonce-carrying requests a second sustained at `authexpires=(\d+)`/.exec(
      text('packages/http/README.md'),
    );
    expect(m, 'the memory store row of "Which nonce store where"').not.toBeNull();
    expect(m![1]).toBe(DEFAULT_MAX_NONCES.toLocaleString('en-US'));
    expect(m![2]).toBe(sustained(Number(m![3])));
  });
});

describe("docs/SIZING.md's single process with the memory store is the model's arithmetic", () => {
  it('cores = R / V_mem, memory = R * E * B_mem, live nonces = R * E (within DEFAULT_MAX_NONCES or not)', () => {
    const sizing = docs.find((d) => d.file === 'docs/SIZING.md')!.text.replace(/\s+/g, ' ');
    const m =
      /at ([\d,]+) req\/s it needs ([\d.]+) core for the verification and ([\d.]+) GB \(`E = (\d+)`\) or ([\d.]+) GB \(`E = (\d+)`\) for the nonces, and ([\d.]+) M live nonces at `E = (\d+)` is within the default `maxEntries`; ([\d,]+) req\/s at `E = (\d+)` is not/.exec(
        sizing,
      );
    expect(m, 'the "A single process with the memory store" paragraph').not.toBeNull();
    const [rate, cores, gb1, e1, gb2, e2, liveM, eLive, over, eOver] = m!.slice(1).map((x) => Number(x!.replaceAll(',', '')));
    expect(cores).toBe(rate! / MODEL.verifyPerCoreMemory);
    expect(gb1).toBeCloseTo((rate! * e1! * MODEL.memoryBytesPerNonce) / 1e9, 2);
    expect(gb2).toBeCloseTo((rate! * e2! * MODEL.memoryBytesPerNonce) / 1e9, 2);
    expect(liveM! * 1e6).toBe(rate! * eLive!);
    expect(rate! * eLive!).toBeLessThanOrEqual(DEFAULT_MAX_NONCES);
    expect(over! * eOver!).toBeGreaterThan(DEFAULT_MAX_NONCES);
    // The formula's list names the default it is within.
    expect(sizing).toContain(`\`maxEntries\` (default ${DEFAULT_MAX_NONCES.toLocaleString('en-US')} nonces)`);
  });
});

describe('figures the Durable Objects prose derives from its run', () => {
  it('are the range of the claims’ ratios (not the A/A row’s) and one object’s claims/s, from the rows (the check can fail)', () => {
    const run = {
      command: 'x',
      machine: 'm',
      node: 'v20.0.0',
      commit: 'abcdef1234',
      date: '2026-01-01',
      columns: [],
      rows: [
        ['A/A: raw against raw, one object, 64 in flight (the noise)', '10', '5', '0.50', '', ''],
        ['a', '10', '9', '0.90', '', ''],
        ['one object, 64 in flight (claims/s per object)', '300', '314', '1.05', '', ''],
      ],
    };
    expect(durableObjectsFigures(run)).toEqual({ 'ratio-range': '0.90 to 1.05', 'claims-per-object': '310' });
  });
});
