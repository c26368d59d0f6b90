/**
 * The HTTP path: the verifying server's own CPU time per request against the same server without authentication,
 * for Node `http`, Express, Fastify and Hono on `@hono/node-server`, each against itself. Each server is a child
 * process (bench/server.ts) that reports its `process.cpuUsage()`; this process is the load generator (keep-alive,
 * CONCURRENCY requests in flight to each server, a fresh signed URL with a nonce per request, signed before the
 * round). The servers of a framework are loaded at the same time, so a busy neighbour weighs on all of them alike;
 * every figure is a ratio to the no-auth server of the same framework in the same round, and the table shows the
 * median over the rounds. The A/A row is a second no-auth server against the first: the noise of the measurement.
 *
 *   npm run bench -w @reqsign/http        (node --import tsx bench/http.bench.ts)
 *   FRAMEWORKS=express,hono ROUNDS=5      some frameworks, fewer rounds
 *   HANDLER=sync                          handlers that answer inside the request event (bench/server.ts)
 *   PROFILE_DIR=/tmp/p PROFILE_INTERVAL=200   a V8 CPU profile of each server (--cpu-prof), sampled every 200 us
 *
 * A run of every framework with the defaults writes its table into the README (`bench-http:server-cpu`,
 * scripts/lib/bench-docs.mjs), stamped with the machine, Node and commit; tests/docs/test/doc-numbers.test.ts checks it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { signSync } from '@reqsign/nog';
import { stamp, writeBenchRegions } from '../../../scripts/lib/bench-docs.mjs';
import { startRedisServer } from '../../nog-redis/test/helpers/redisServer.js';
import { KEY } from './key.js';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const REQUESTS = Number(process.env.REQUESTS ?? 4000);
const CONCURRENCY = 50;
/** The budgets of issue 31: CPU per request of the verifying server over the same server without authentication. */
const BUDGET = { memory: 1.12, redis: 1.3 };
const FRAMEWORKS = (process.env.FRAMEWORKS ?? 'http,express,fastify,hono').split(',');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly port: number;
  readonly agent: Agent;
}

const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));

/** Every server started, killed when this process exits however it ends (a failed run leaves none behind). */
const started: ChildProcess[] = [];
process.on('exit', () => {
  for (const proc of started) proc.kill();
});

async function start(framework: string, mode: string, redisUrl: string): Promise<Child> {
  const proc = fork(serverPath, [framework, mode, redisUrl], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.PROFILE_DIR
        ? ['--cpu-prof', '--cpu-prof-interval', process.env.PROFILE_INTERVAL ?? '1000', '--cpu-prof-dir', process.env.PROFILE_DIR]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  started.push(proc);
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m) => resolve((m as { port: number }).port));
    proc.once('exit', (code) => reject(new Error(`server ${framework} ${mode} exited with ${code}`)));
  });
  return { name: mode, proc, port, agent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) };
}

/** The server's CPU time so far, microseconds: user + system, and the system (kernel) part of it. */
const cpuOf = (c: Child): Promise<{ cpu: number; system: number }> =>
  new Promise((resolve) => {
    c.proc.once('message', (m) => resolve(m as { cpu: number; system: number }));
    c.proc.send('cpu');
  });

function get(c: Child, path: string, tries = 3): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: c.port, path, agent: c.agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    // A keep-alive socket the server closed while it idled (its keepAliveTimeout, during another server's turn):
    // sent again on a new one. Not a request the server answered, so the count per request is unchanged.
    req.on('error', (err) => (tries > 1 ? get(c, path, tries - 1).then(resolve, reject) : reject(err)));
    req.end();
  });
}

/**
 * The CPU microseconds per request of each server over its `urls`, all servers loaded at once: CONCURRENCY requests
 * in flight to each, every server sent its next request as soon as one of its own is answered, and the CPU of all
 * read at the same instants before and after. Every server thus runs through the same seconds of a shared machine
 * (a neighbour's burst lands on all of them, not on whichever one had its turn), and the ratios within a round
 * compare like with like. Every answer must be 200.
 */
async function load(cs: readonly Child[], urls: readonly string[][]): Promise<{ cpu: number; system: number }[]> {
  const before = await Promise.all(cs.map(cpuOf));
  const bad = cs.map(() => 0);
  await Promise.all(
    cs.flatMap((c, i) => {
      let next = 0;
      const list = urls[i]!;
      return Array.from({ length: CONCURRENCY }, async () => {
        while (next < list.length) if ((await get(c, list[next++]!)) !== 200) bad[i]!++;
      });
    }),
  );
  const after = await Promise.all(cs.map(cpuOf));
  for (const [i, c] of cs.entries()) if (bad[i]! > 0) throw new Error(`${c.name}: ${bad[i]} requests not answered 200`);
  return cs.map((_, i) => ({
    cpu: (after[i]!.cpu - before[i]!.cpu) / urls[i]!.length,
    system: (after[i]!.system - before[i]!.system) / urls[i]!.length,
  }));
}

const sign = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => signSync('GET', `/api/items/${i}?format=v1&limit=100`, KEY, { expires: 300 }).url);

const redis = await startRedisServer();
interface Result {
  framework: string;
  row: string;
  us: number;
  /** The kernel's part of `us` (the sockets' system calls). */
  system: number;
  ratio: number;
  budget: number | undefined;
}
const results: Result[] = [];
try {
  for (const framework of FRAMEWORKS) {
    const servers = [
      await start(framework, 'none', redis.url),
      await start(framework, 'none', redis.url),
      await start(framework, 'memory', redis.url),
      await start(framework, 'redis', redis.url),
    ];
    const rows = ['A/A: no auth vs no auth', 'nog, memory store', 'nog, Redis store'];
    const ratios: number[][] = [[], [], []];
    const us: number[][] = [[], [], [], []];
    const system: number[][] = [[], [], [], []];
    // Warm up every server (JIT, connections).
    await load(
      servers,
      servers.map(() => sign(REQUESTS / 2)),
    );
    for (let r = 0; r < ROUNDS; r++) {
      const per = await load(
        servers,
        servers.map(() => sign(REQUESTS)),
      );
      const b = per[0]!.cpu;
      for (const [i, x] of per.entries()) {
        us[i]!.push(x.cpu);
        system[i]!.push(x.system);
      }
      for (const [i, x] of per.slice(1).entries()) ratios[i]!.push(x.cpu / b);
    }
    results.push({ framework, row: 'no auth', us: median(us[0]!), system: median(system[0]!), ratio: 1, budget: undefined });
    for (const [i, row] of rows.entries()) {
      results.push({
        framework,
        row,
        us: median(us[i + 1]!),
        system: median(system[i + 1]!),
        ratio: median(ratios[i]!),
        budget: i === 1 ? BUDGET.memory : i === 2 ? BUDGET.redis : undefined,
      });
    }
    for (const s of servers) {
      s.proc.send('exit');
      s.agent.destroy();
    }
  }
} finally {
  await redis.stop();
}

const pad = (s: string, n: number) => s.padEnd(n);
console.log(
  `\n@reqsign/http: server CPU per request (${REQUESTS} requests a round, ${CONCURRENCY} in flight, ${ROUNDS} rounds, medians), ratio to the same framework without auth`,
);
console.log(
  `${pad('framework', 10)}${pad('server', 28)}${pad('CPU us/req', 12)}${pad('of it sys', 11)}${pad('ratio', 9)}${pad('budget', 9)}verdict`,
);
let failed = 0;
for (const r of results) {
  const verdict = r.budget === undefined ? '' : r.ratio <= r.budget ? 'PASS' : 'FAIL';
  if (verdict === 'FAIL') failed++;
  console.log(
    `${pad(r.framework, 10)}${pad(r.row, 28)}${pad(r.us.toFixed(1), 12)}${pad(r.system.toFixed(1), 11)}${pad(`${r.ratio.toFixed(3)}x`, 9)}${pad(r.budget === undefined ? '-' : `${r.budget}x`, 9)}${verdict}`,
  );
}
// The README's table is this run's, when it is the whole default run (every framework, the default rounds and handler).
const whole =
  process.env.FRAMEWORKS === undefined &&
  process.env.ROUNDS === undefined &&
  process.env.REQUESTS === undefined &&
  process.env.HANDLER === undefined &&
  process.env.PROFILE_DIR === undefined;
if (whole) {
  const changed = writeBenchRegions(new URL('../README.md', import.meta.url), 'bench-http', {
    'server-cpu': {
      command: 'npm run bench -w @reqsign/http',
      ...stamp(),
      load: loadavg()[0]!.toFixed(1),
      note: `${REQUESTS} requests a round to each server, ${CONCURRENCY} in flight, the median of ${ROUNDS} rounds; a ratio over budget ends the run with exit status 1`,
      columns: ['framework', 'server', 'CPU us/request', 'of it system', 'ratio', 'budget'],
      rows: results.map((r) => [
        r.framework,
        r.row,
        r.us.toFixed(1),
        r.system.toFixed(1),
        `${r.ratio.toFixed(2)}x`,
        r.budget === undefined ? '-' : `<= ${r.budget}x ${r.ratio <= r.budget ? 'PASS' : 'FAIL'}`,
      ]),
    },
  });
  console.log(changed ? 'rewrote the server-CPU table of packages/http/README.md' : 'packages/http/README.md: unchanged');
}
if (failed > 0) {
  console.log(`${failed} over budget`);
  process.exitCode = 1;
}
