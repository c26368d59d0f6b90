// Start-up cost of the reqsign CLI: wall time of a whole process, as a ratio to `node -e ''` (Node's own start-up) in
// the same run. Rounds alternate the commands so that a noisy machine slows all of them alike; medians are reported.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../bin/reqsign.js', import.meta.url));
const ROUNDS = Number(process.env.REQSIGN_BENCH_ROUNDS ?? 25);
const env = { ...process.env, NOG_KEYID: '0123456789abcdef0123', NOG_SECRETKEY: 'bench secret' };

/**
 * [label, arguments to node, budget as a ratio to node alone or null]. A command loads only its own modules; what
 * remains above Node's own start-up is opening and compiling some thirty ES modules (Node 20 has no compile cache),
 * which a bundled bin would remove.
 */
const COMMANDS = [
  ["node -e '' (the floor)", ['-e', ''], null],
  ['reqsign --version', [CLI, '--version'], 1.6],
  ['reqsign nog sign GET /p', [CLI, 'nog', 'sign', 'GET', '/p'], 2.5],
  ['reqsign nog verify (a bad URL)', [CLI, 'nog', 'verify', 'GET', '/p'], 2.5],
  ['reqsign --help', [CLI, '--help'], 1.6],
];

const times = COMMANDS.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  COMMANDS.forEach(([, args], i) => {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    if (r.error) throw r.error;
    times[i].push(Number(process.hrtime.bigint() - start) / 1e6);
  });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const floor = median(times[0]);
console.log(`\n@reqsign/cli start-up on Node ${process.version}: median wall time of ${ROUNDS} alternating runs`);
console.log(`${'command'.padEnd(34)}${'ms'.padStart(8)}${'ratio'.padStart(9)}${'budget'.padStart(9)}   verdict`);
let over = 0;
COMMANDS.forEach(([label, , budget], i) => {
  const ms = median(times[i]);
  const ratio = ms / floor;
  const verdict = budget === null ? '' : ratio <= budget ? 'ok' : 'OVER';
  if (verdict === 'OVER') over++;
  console.log(
    `${label.padEnd(34)}${ms.toFixed(1).padStart(8)}${`${ratio.toFixed(2)}x`.padStart(9)}${(budget === null ? '-' : `${budget}x`).padStart(9)}   ${verdict}`,
  );
});
if (over > 0) console.log(`${over} over budget (a noisy machine moves these by about 0.2x: run again before acting)`);
