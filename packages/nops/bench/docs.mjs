// What `npm run bench` (bench/index.ts) writes into this package's README (scripts/lib/bench-docs.mjs): its run,
// stamped, as `bench-nops:performance`, and its budgets, which the prose quotes.
import { writeBenchRegions } from '../../../scripts/lib/bench-docs.mjs';

/** The budgets, as ratios of ours to the raw primitive in the same run (2048-bit, node build). */
export const BUDGETS = { sign: 1.05, verify: 1.1 };

/** The budgets the README's prose quotes. */
export function budgetFigures() {
  return { 'budget-sign': `${BUDGETS.sign}`, 'budget-verify': `${BUDGETS.verify}` };
}

/** Rewrites the README's `bench-nops` regions from a run: `{ ...stamp(), rounds, rows: Row[] }`. */
export function writeReadme({ rounds, rows, ...where }) {
  const run = {
    command: 'npm run bench -w @reqsign/nops',
    ...where,
    note: `${rounds} rounds; microseconds per call, the fastest batch plus GC pauses; A/A rows time the raw primitive against itself (their distance from 1.000 is the run's noise)`,
    columns: ['operation', 'raw', '@reqsign/nops', 'ratio', 'budget'],
    rows: rows.map((r) => [
      r.name,
      `${r.raw.toFixed(1)} us`,
      `${r.ours.toFixed(1)} us`,
      r.ratio.toFixed(3),
      r.budget === undefined ? '' : `<= ${r.budget}`,
    ]),
  };
  return writeBenchRegions(new URL('../README.md', import.meta.url), 'bench-nops', { performance: run, ...budgetFigures() });
}
