/**
 * The README blocks that need a Redis Cluster and a Sentinel-managed primary (`<!-- snippet: needs=redis-topologies
 * -->`) run against real ones on loopback, started as nog-redis's own tests start them (redis-server processes: a
 * cluster of three primaries with a replica each, a primary with a replica and a sentinel). The block connects to the
 * addresses it names (10.0.0.x): a preload (tests/docs/fixtures/route-hosts.mjs) sends each to the loopback port of
 * the node it stands for; the sentinel also monitors the primary under the name the block asks for.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { type RedisCluster, startRedisCluster } from '../../../packages/nog-redis/test/helpers/redisCluster.js';
import { type RedisSentinelSet, startRedisSentinel } from '../../../packages/nog-redis/test/helpers/redisSentinel.js';
import { slug } from './support/programs.js';
import { parseReadme, readmes } from './support/snippets.js';
import { run, userFolder } from './support/userFolder.js';

requirePrograms('redis-server');

const blocks = readmes(ROOT)
  .flatMap((r) => parseReadme(ROOT, r).snippets)
  .filter((s) => s.needs === 'redis-topologies');
const work = join(ROOT, 'tests', 'docs', '.tmp', 'redis-topologies');

let cluster: RedisCluster;
let sentinel: RedisSentinelSet;
let folder: ReturnType<typeof userFolder>;

beforeAll(async () => {
  [cluster, sentinel] = await Promise.all([startRedisCluster(), startRedisSentinel()]);
  folder = userFolder();
  rmSync(work, { recursive: true, force: true });
}, 120_000);
afterAll(async () => {
  await Promise.all([cluster?.stop(), sentinel?.stop()]);
  folder?.remove();
  rmSync(work, { recursive: true, force: true });
});

/** Keys under the store's default prefix on a node. */
const claims = async (send: () => Promise<unknown>): Promise<number> => ((await send()) as string[]).length;

describe('README blocks on a Redis Cluster and a Sentinel-managed primary', () => {
  it('finds the nog-redis topologies block (the test cannot pass by finding none)', () => {
    expect(blocks.map((s) => s.readme)).toEqual(['packages/nog-redis/README.md']);
  });

  it.each(blocks.map((s) => [s.id, s] as const))(
    '%s: runs as pasted; each store accepts a nonce once, and the claims are in the cluster and on the primary',
    async (_id, s) => {
      // The addresses the block names, each standing for a node of ours: cluster root nodes in order, then sentinels.
      const hosts: Record<string, number> = {};
      const rootNodes = [...s.code.matchAll(/redis:\/\/(\d+\.\d+\.\d+\.\d+:\d+)/g)].map((m) => m[1]!);
      expect(rootNodes.length).toBeGreaterThan(0);
      for (const [i, address] of rootNodes.entries()) hosts[address] = cluster.nodes[i]!.port;
      const sentinels = [...s.code.matchAll(/\{ host: '([\d.]+)', port: (\d+) \}/g)].map((m) => `${m[1]}:${m[2]}`);
      expect(sentinels.length).toBeGreaterThan(0);
      for (const address of sentinels) hosts[address] = sentinel.sentinelPort;
      const name = /name: '([^']+)'/.exec(s.code)![1]!;
      const primary = await sentinel.primary();
      await sentinel.command(sentinel.sentinelPort, ['SENTINEL', 'MONITOR', name, '127.0.0.1', String(primary.port), '1']);

      const project = join(work, slug(s));
      const file = join(project, s.file!.name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'topologies', version: '1.0.0', type: 'module' }));
      writeFileSync(file, `${s.before}${s.code}`); // as pasted
      const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
      const preload = join(ROOT, 'tests', 'docs', 'fixtures', 'route-hosts.mjs');
      const r = await run(folder.dir, process.execPath, ['--import', tsx, '--import', preload, file], 60_000, {
        REQSIGN_HOSTS: JSON.stringify(hosts),
      });
      expect(r.code, `${s.readme}:${s.line}\n${r.stderr}`).toBe(0);
      // What its comments say it prints: each store accepts a nonce, then refuses it.
      expect(r.stdout).toBe('true false\ntrue false\n');
      // And the claims went where the block says: into the cluster (on some primary) and onto the Sentinel's primary.
      let inCluster = 0;
      for (const node of cluster.nodes) inCluster += await claims(() => cluster.command(node, ['KEYS', 'reqsign:nog:nonce:*']));
      // A replica holds its primary's keys too: the one claim is on a primary and its replica.
      expect(inCluster).toBe(2);
      expect(await claims(() => sentinel.command(primary.port, ['KEYS', 'reqsign:nog:nonce:*']))).toBe(1);
    },
    90_000,
  );
});
