// What the start-up bench writes into packages/cli/README.md, between `<!-- bench-cli:KEY -->` and
// `<!-- /bench-cli -->` (the markers of scripts/lib/doc-regions.ts). Start-up times depend on the machine, so the
// README does not claim them for every machine: the bench writes the figures of its run with where and when they
// were measured, and the raw figures beside them in a comment; tests/docs/test/doc-numbers.test.ts renders the
// table again from that comment and fails when the table differs (a figure edited by hand), and checks the budgets
// quoted in the prose against the bench's own.
import { readFileSync, writeFileSync } from 'node:fs';

/** The budgets, as ratios to `node -e ''` in the same run. */
export const BUDGETS = { dispatcher: 1.3, command: 1.5 };

export const README = new URL('../README.md', import.meta.url);

/**
 * @param {{ machine: string, node: string, commit: string, date: string, rounds: number, floorMs: number,
 *   rows: { label: string, ms: number, ratio: number, budget: number | null }[] }} run
 */
export function renderStartup(run) {
  const lines = [
    `<!-- ${JSON.stringify(run)} -->`,
    '',
    `Measured by \`npm run bench -w @reqsign/cli\` on ${run.machine}, Node ${run.node}, at commit ${run.commit} (${run.date}):`,
    `medians of ${run.rounds} rounds; the floor, \`node -e ''\`, took ${run.floorMs.toFixed(1)} ms.`,
    '',
    '| command | ms | ratio to the floor | budget |',
    '|---|---|---|---|',
    ...run.rows.map((r) => `| ${r.label} | ${r.ms.toFixed(1)} | ${r.ratio.toFixed(2)}x | ${r.budget === null ? '' : `${r.budget}x`} |`),
  ];
  return lines.join('\n');
}

/** The figures of the README's prose that are the bench's constants. */
export function budgetFigures() {
  return { 'budget-dispatcher': `${BUDGETS.dispatcher}x`, 'budget-command': `${BUDGETS.command}x` };
}

/** Rewrites the README's `bench-cli` regions: `startup` from a run, the budgets from the constants. */
export function writeReadme(run) {
  const values = { startup: renderStartup(run), ...budgetFigures() };
  const text = readFileSync(README, 'utf8');
  const out = text.replace(/<!-- bench-cli:([a-z0-9-]+) -->([\s\S]*?)<!-- \/bench-cli -->/g, (_whole, key, content) => {
    if (!Object.hasOwn(values, key)) throw new Error(`packages/cli/README.md: unknown bench-cli figure ${key}`);
    const v = values[key];
    return `<!-- bench-cli:${key} -->${content.startsWith('\n') ? `\n\n${v.trim()}\n\n` : v}<!-- /bench-cli -->`;
  });
  if (out !== text) writeFileSync(README, out);
  return out !== text;
}
