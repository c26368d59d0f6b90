// What `npm run bench` (bench/nog.bench.ts) writes into this package's README (scripts/lib/bench-docs.mjs): its
// run, stamped, as `bench-nog:performance` (ratios to the raw HMAC) and `bench-nog:capacity` (the memory nonce store
// at its default size and its bytes per nonce).
import { writeBenchRegions } from '../../../scripts/lib/bench-docs.mjs';

const COMMAND = 'npm run bench -w @reqsign/nog';

/**
 * Rewrites the README's `bench-nog` regions from a run: `{ ...stamp(), rounds, floor, rows, capacities, perEntry }`
 * (rows: `{ name, ns, raw, ratio, target? }`; capacities: `{ what, refusedAt, live, bytes }`).
 */
export function writeReadme({ rounds, floor, rows, capacities, perEntry, ...where }) {
  const performance = {
    command: COMMAND,
    ...where,
    note: `${rounds} rounds, median ratios to ${floor} in the same run; a missed budget ends the run with exit status 1`,
    columns: ['operation', 'ns per call', 'raw ns', 'ratio', 'budget'],
    rows: rows.map((r) => [
      r.name,
      r.ns.toFixed(0),
      r.raw.toFixed(0),
      `${r.ratio.toFixed(2)}x`,
      r.target === undefined ? '(reference)' : `${r.target}x`,
    ]),
  };
  const capacity = {
    command: COMMAND,
    ...where,
    note: 'MemoryNonceStore at its default size on a simulated clock, and its memory per entry (JS heap and ArrayBuffer memory after gc())',
    columns: ['scenario', 'outcome', 'live nonces', 'bytes per live nonce'],
    rows: [
      ...capacities.map((c) => [
        c.what,
        c.refusedAt === null ? 'never refused' : `first refusal after ${c.refusedAt.toFixed(0)} s`,
        c.live.toLocaleString('en-US'),
        Number.isNaN(c.bytes) ? '' : `${c.bytes.toFixed(0)} B`,
      ]),
      [
        '1,000,000 live nonces (budget 150 B)',
        '',
        '1,000,000',
        Number.isNaN(perEntry) ? '(run with --expose-gc)' : `${perEntry.toFixed(0)} B`,
      ],
    ],
  };
  return writeBenchRegions(new URL('../README.md', import.meta.url), 'bench-nog', { performance, capacity });
}
