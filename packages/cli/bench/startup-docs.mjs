// What the start-up bench writes into packages/cli/README.md (scripts/lib/bench-docs.mjs): its run, stamped, as
// `bench-cli:startup`, and its budgets, which the prose quotes.
import { renderBench, writeBenchRegions } from '../../../scripts/lib/bench-docs.mjs';

/** The budgets, as ratios to `node -e ''` in the same run. */
export const BUDGETS = { dispatcher: 1.3, command: 1.5 };

export const README = new URL('../README.md', import.meta.url);

/** The budgets the README's prose quotes. */
export function budgetFigures() {
  return { 'budget-dispatcher': `${BUDGETS.dispatcher}x`, 'budget-command': `${BUDGETS.command}x` };
}

/** The table of a run: `{ ...stamp(), rounds, floorMs, rows: { label, ms, ratio, budget }[] }`. */
export function startupRun(measured) {
  const { rows, rounds, floorMs, ...where } = measured;
  return {
    command: 'npm run bench -w @reqsign/cli',
    ...where,
    note: `medians of ${rounds} rounds; the floor, \`node -e ''\`, took ${floorMs.toFixed(1)} ms`,
    columns: ['command', 'ms', 'ratio to the floor', 'budget'],
    rows: rows.map((r) => [r.label, r.ms.toFixed(1), `${r.ratio.toFixed(2)}x`, r.budget === null ? '' : `${r.budget}x`]),
  };
}

/** Rewrites the README's `bench-cli` regions. */
export function writeReadme(measured) {
  return writeBenchRegions(README, 'bench-cli', { startup: startupRun(measured), ...budgetFigures() });
}

export { renderBench };
