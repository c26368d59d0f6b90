// What `npm run bench` (bench/nog-durable-objects.bench.ts) writes into this package's README
// (scripts/lib/bench-docs.mjs): its run, stamped, as `bench-do:sizing`, and the figures the prose quotes from that
// run (`bench-do:ratio-range`, `bench-do:claims-per-object`), which tests/docs/test/doc-numbers.test.ts derives again
// from the run in the table with `inlineFigures`.
import { readFileSync } from 'node:fs';
import { writeBenchRegions } from '../../../scripts/lib/bench-docs.mjs';

export const COMMAND = 'npm run bench -w @reqsign/nog-durable-objects';
/** The A/A row: raw against raw, one object, 64 in flight (not a claim: left out of the figures the prose quotes). */
export const AA = 'A/A: raw against raw, one object, 64 in flight (the noise)';
/** The scenario whose claims/s is "what one object sustains". */
export const PER_OBJECT = 'one object, 64 in flight (claims/s per object)';

/** The table's run from a bench run: `{ ...stamp(), rounds, rows }` (rows: `{ name, raw, store }`, each a median run). */
export function sizingRun({ rounds, rows, ...where }) {
  const ms = (r) => `${r.p50.toFixed(0)} / ${r.p99.toFixed(0)}`;
  return {
    command: COMMAND,
    ...where,
    note: `${rounds} rounds alternating raw and store, medians; workerd with its objects on local disk; "raw" is the same request to a plain object that does one \`storage.put\``,
    columns: ['scenario', 'raw `put`/s', 'claims/s', 'ratio', 'raw p50 / p99 ms', 'claim p50 / p99 ms'],
    rows: rows.map((r) => [
      r.name,
      r.raw.perSecond.toFixed(0),
      r.store.perSecond.toFixed(0),
      (r.store.perSecond / r.raw.perSecond).toFixed(2),
      ms(r.raw),
      ms(r.store),
    ]),
  };
}

/**
 * The figures the prose quotes, from a table's run: the range of the claims' ratios (not the A/A row's), and one
 * object's claims/s (to 10).
 */
export function inlineFigures(run) {
  const ratios = run.rows.filter((r) => r[0] !== AA).map((r) => Number(r[3]));
  const perObject = run.rows.find((r) => r[0] === PER_OBJECT);
  if (perObject === undefined) throw new Error(`no row "${PER_OBJECT}" in the bench-do run`);
  return {
    'ratio-range': `${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}`,
    'claims-per-object': (Math.round(Number(perObject[2]) / 10) * 10).toLocaleString('en-US'),
  };
}

const README = new URL('../README.md', import.meta.url);

/** The run in the README's `bench-do:sizing` region (from its comment). */
export function readmeRun(text = readFileSync(README, 'utf8')) {
  const m = /<!-- bench-do:sizing -->\s*<!-- (\{.*\}) -->/.exec(text);
  if (m === null) throw new Error('the README has no bench-do:sizing run');
  return JSON.parse(m[1]);
}

/** Rewrites the README's `bench-do` regions from a bench run. */
export function writeReadme(measured) {
  const sizing = sizingRun(measured);
  return writeBenchRegions(README, 'bench-do', { sizing, ...inlineFigures(sizing) });
}
