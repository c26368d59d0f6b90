import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { startRedisServer, type RedisServer } from './redisServer.js';
import { startFaultProxy, type FaultProxy } from './faultProxy.js';
import { startRelay, type Relay } from './relay.js';
import { until } from './until.js';

/**
 * A Sentinel-managed primary on loopback, from `redis-server` processes: a primary, its replicas, and one sentinel
 * (`redis-server <conf> --sentinel`, quorum 1) that monitors it as `name`.
 */
export interface RedisSentinelSet {
  readonly name: string;
  readonly servers: readonly RedisServer[];
  /** Where a client starts (`createSentinel({ name, sentinelRootNodes })`). */
  readonly sentinels: ReadonlyArray<{ host: string; port: number }>;
  /** The server that is primary now, as the sentinel says. */
  primary(): Promise<RedisServer>;
  /**
   * `SENTINEL FAILOVER`: promotes a replica now (without waiting for it to catch up); resolves when the sentinel names
   * the new primary and the old one is its replica, in sync.
   */
  failover(): Promise<RedisServer>;
  /** With `relay: true`, the relay in front of the first primary (replicas, sentinel and clients reach it through it). */
  readonly relay: Relay | undefined;
  /** With `faults: true`, the fault proxy in front of the first primary (instead of a relay). */
  readonly faults: FaultProxy | undefined;
  /** Sends a command to a server or the sentinel, by port. */
  command(port: number, args: string[]): Promise<unknown>;
  /** The sentinel's port. */
  readonly sentinelPort: number;
  stop(): Promise<void>;
}

export async function startRedisSentinel(
  options: { replicas?: number; relay?: boolean; faults?: boolean; downAfterMs?: number } = {},
): Promise<RedisSentinelSet> {
  const name = 'reqsign';
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-sentinel-'));
  // A replica's first sync starts at once (the default waits 5 s for more replicas to share it).
  const fast = ['--repl-diskless-sync-delay', '0'];
  const primary = await startRedisServer({ args: () => fast });
  // Everyone reaches the first primary through the relay, when there is one: the sentinel sees the replicas follow
  // the address it monitors, and leaves them be.
  const relay = options.relay ? await startRelay(primary.port) : undefined;
  const faults = options.faults ? await startFaultProxy(primary.port) : undefined;
  const front = relay ?? faults;
  const addressOf = (server: RedisServer) => (server === primary && front !== undefined ? front.port : server.port);
  const replicas = await Promise.all(
    Array.from({ length: options.replicas ?? 1 }, () =>
      startRedisServer({ args: () => [...fast, '--replicaof', '127.0.0.1', String(addressOf(primary))] }),
    ),
  );
  const servers = [primary, ...replicas];
  const sentinel = await startRedisServer({
    config: (port) => {
      const file = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `sentinel monitor ${name} 127.0.0.1 ${addressOf(primary)} 1`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} 5000`,
          '',
        ].join('\n'),
      );
      return file;
    },
    args: () => ['--sentinel'],
    ready: /\+monitor master/,
  });
  const clients = new Map<number, ReturnType<typeof createClient>>();
  const send = async (port: number, args: string[]) => {
    let client = clients.get(port);
    if (client === undefined) {
      client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { connectTimeout: 1000, reconnectStrategy: () => 50 } });
      client.on('error', () => {});
      clients.set(port, client);
      await client.connect();
    }
    return client.sendCommand(args);
  };
  const primaryPort = async () => Number(((await send(sentinel.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name])) as string[])[1]);
  const primaryServer = async () => {
    const port = await primaryPort();
    return servers.find((s) => addressOf(s) === port)!;
  };
  // Settled: the sentinel knows every replica, and each is in sync with the primary.
  const settled = async (of: RedisServer) => {
    await until(
      'the replicas to sync and the sentinel to see them',
      async () => {
        const known = (await send(sentinel.port, ['SENTINEL', 'REPLICAS', name])) as unknown[];
        if (known.length < replicas.length) return undefined;
        for (const s of servers) {
          if (s === of) continue;
          const info = String(await send(s.port, ['INFO', 'replication']));
          if (!info.includes(`master_port:${addressOf(of)}`) || !/master_link_status:up[\s\S]*master_sync_in_progress:0/.test(info))
            return undefined;
        }
        return true;
      },
      30_000,
      50,
    );
  };
  await settled(primary);
  return {
    name,
    servers,
    sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
    relay,
    faults,
    command: send,
    sentinelPort: sentinel.port,
    primary: primaryServer,
    async failover() {
      const before = await primaryPort();
      // A replica that was just frozen or cut off is no candidate until the sentinel has heard from it again
      // (NOGOODSLAVE): ask until it is.
      await until(
        'the sentinel to accept the failover',
        () => send(sentinel.port, ['SENTINEL', 'FAILOVER', name]).then(() => true),
        30_000,
        50,
      );
      await until('the sentinel to name a new primary', async () => ((await primaryPort()) !== before ? true : undefined), 30_000, 50);
      const now = await primaryServer();
      // The sentinel turns the old primary into a replica when it next polls it (every 10 s); do it now, as it will.
      for (const s of servers) if (s !== now) await send(s.port, ['REPLICAOF', '127.0.0.1', String(now.port)]);
      await settled(now);
      return now;
    },
    async stop() {
      for (const c of clients.values()) c.destroy();
      await relay?.close();
      await faults?.close();
      await Promise.all([sentinel, ...servers].map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
