// Start-up cost of the reqsign CLI: wall time of a whole process, as a ratio to `node -e ''` (Node's own start-up) in
// the same run, paired run by run (see the rounds below); medians are reported.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCHEMES } from '@reqsign/conformance/schemes';
import { stamp } from '../../../scripts/lib/bench-docs.mjs';
import { BUDGETS, writeReadme } from './startup-docs.mjs';

const CLI = fileURLToPath(new URL('../bin/reqsign.cjs', import.meta.url));
const ROUNDS = Number(process.env.REQSIGN_BENCH_ROUNDS ?? 31);
const env = { ...process.env, NOG_KEYID: '0123456789abcdef0123', NOG_SECRETKEY: 'bench secret' };
// A 2048-bit key of the nops package's tests (the RSA signature itself takes about a millisecond).
const NOPS_KEY = fileURLToPath(new URL('../../nops/test/fixtures/keys/rsa2048.pem', import.meta.url));

/**
 * [label, arguments to node, budget as a ratio to node alone or null, the exit status a run must end with]. A run reads
 * the bin, the dispatcher (dist/reqsign.cjs: arguments, help, version) and, for a command, that command's own bundle
 * (dist/commands/<command>.cjs; scripts/bundle.mjs). The rows without a budget show what Node itself spends on the
 * same crypto in a one-line program (its first HMAC or RSA signature starts OpenSSL): the part of a command's time
 * that no CLI can shed.
 */
const COMMANDS = [
  ["node -e '' (the floor)", ['-e', ''], null, 0],
  ['node -e: one HMAC-SHA256', ['-e', "require('node:crypto').createHmac('sha256', 'k').update('GET\\n/p').digest('hex')"], null, 0],
  [
    'node -e: read a key, one RSA sign',
    [
      '-e',
      `const c = require('node:crypto'); c.sign('sha256', Buffer.from('x'), require('node:fs').readFileSync(${JSON.stringify(NOPS_KEY)}, 'utf8'))`,
    ],
    null,
    0,
  ],
  ['reqsign --version', [CLI, '--version'], BUDGETS.dispatcher, 0],
  // Each group's runs, from SCHEMES (conformance/src/schemes.ts): `cli.startup`.
  ...SCHEMES.flatMap((s) =>
    (s.cli?.startup ?? []).map(({ label, args, status }) => [
      `reqsign ${s.command} ${label}`,
      [CLI, s.command, ...args.map((a) => (a === '{nopsKey}' ? NOPS_KEY : a))],
      BUDGETS.command,
      status,
    ]),
  ),
  ['reqsign --help', [CLI, '--help'], BUDGETS.dispatcher, 0],
];

/** Wall time of one run of `node ARGS`, in ms, after checking its exit status (a command that failed early would look fast). */
function timeRun([label, args, , status]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (r.error) throw r.error;
  if (r.status !== status) throw new Error(`${label}: exit status ${r.status}, expected ${status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// Each round runs the floor between every two commands: a command's ratio in a round is its time over the mean of
// the floor runs just before and after it, so a slow spell of the machine (they last seconds here) slows both sides
// of a ratio alike. The figures are medians over the rounds.
const times = COMMANDS.map(() => []);
const ratios = COMMANDS.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  let before = timeRun(COMMANDS[0]);
  times[0].push(before);
  ratios[0].push(1);
  for (let i = 1; i < COMMANDS.length; i++) {
    const t = timeRun(COMMANDS[i]);
    const after = timeRun(COMMANDS[0]);
    times[i].push(t);
    times[0].push(after);
    ratios[i].push(t / ((before + after) / 2));
    before = after;
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
console.log(`\n@reqsign/cli start-up on Node ${process.version}: medians of ${ROUNDS} rounds, each command between two runs of the floor`);
console.log(`${'command'.padEnd(34)}${'ms'.padStart(8)}${'ratio'.padStart(9)}${'budget'.padStart(9)}   verdict`);
let over = 0;
const rows = [];
COMMANDS.forEach(([label, , budget], i) => {
  const ms = median(times[i]);
  const ratio = median(ratios[i]);
  rows.push({ label, ms: Math.round(ms * 10) / 10, ratio: Math.round(ratio * 100) / 100, budget });
  const verdict = budget === null ? '' : ratio <= budget ? 'ok' : 'OVER';
  if (verdict === 'OVER') over++;
  console.log(
    `${label.padEnd(34)}${ms.toFixed(1).padStart(8)}${`${ratio.toFixed(2)}x`.padStart(9)}${(budget === null ? '-' : `${budget}x`).padStart(9)}   ${verdict}`,
  );
});
// The README's table is this run's (packages/cli/bench/startup-docs.mjs), with where and when it ran.
const run = { ...stamp(), rounds: ROUNDS, floorMs: rows[0].ms, rows: rows.slice(1) };
console.log(writeReadme(run) ? 'rewrote the start-up table of packages/cli/README.md' : 'packages/cli/README.md: unchanged');
if (over > 0) {
  console.log(`${over} over budget (a noisy machine moves these by about 0.1x: run again before acting)`);
  process.exitCode = 1;
}
