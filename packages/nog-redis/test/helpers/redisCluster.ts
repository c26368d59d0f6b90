import { createClient } from 'redis';
import { startRedisServer, type RedisServer } from './redisServer.js';
import { startRelay, type Relay } from './relay.js';

/**
 * A real Redis Cluster on loopback, built by the tests from `redis-server` processes in cluster mode: `primaries`
 * shards, each a primary with `replicas` replicas, the 16,384 slots split evenly. It is put together with the
 * cluster commands themselves (ADDSLOTSRANGE, MEET, REPLICATE), as `redis-cli --cluster create` does, and waits
 * until every node agrees on it.
 */
export interface RedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** Where a client starts (`createCluster({ rootNodes })`): every node, as a client would list them. */
  readonly rootNodes: ReadonlyArray<{ url: string }>;
  /** Which shard was given `slot` at the start (0 to primaries - 1); failovers keep a shard's slots together. */
  shardOf(slot: number): number;
  /** The first slot of a shard. */
  firstSlotOf(shard: number): number;
  /** The node that serves `slot` now, as the live nodes see it. */
  primaryOf(slot: number): Promise<ClusterNode>;
  /** The replicas of a primary, as it sees them. */
  replicasOf(primary: ClusterNode): Promise<ClusterNode[]>;
  /** Promotes a replica at once (`CLUSTER FAILOVER TAKEOVER`: no agreement, no catching up) and waits until all live nodes see it. */
  takeover(replica: ClusterNode): Promise<void>;
  /** Moves a slot and its keys to another primary, as a resharding does (IMPORTING, MIGRATING, MIGRATE, NODE). */
  moveSlot(slot: number, to: ClusterNode): Promise<void>;
  /** Sends a command to one node. */
  command(node: ClusterNode, args: string[]): Promise<unknown>;
  /** Waits until every live node says `cluster_state:ok` and sees the same primaries. */
  settled(): Promise<void>;
  /** With `relayShard`, the relay in front of that shard's first primary (its replica and clients reach it through it). */
  readonly relay: Relay | undefined;
  stop(): Promise<void>;
}

export interface ClusterNode {
  readonly server: RedisServer;
  readonly id: string;
  readonly port: number;
}

export interface RedisClusterOptions {
  readonly primaries?: number;
  readonly replicas?: number;
  /** `cluster-node-timeout` in ms: how long until the cluster itself fails a silent node over. */
  readonly nodeTimeoutMs?: number;
  /**
   * Put a relay in front of this shard's primary: it announces the relay's port (`cluster-announce-port`), so its
   * replica replicates through the relay and clients reach it there too (the cluster bus stays direct).
   */
  readonly relayShard?: number;
}

const SLOTS = 16_384;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`cluster: timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await sleep(50);
  }
}

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  primaryId: string;
  slots: string[];
}

function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, primaryId, , , , , ...slots] = line.split(' ');
      return {
        id: id!,
        port: Number(address!.split('@')[0]!.split(':')[1]),
        flags: flags!.split(','),
        primaryId: primaryId!,
        slots,
      };
    });
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const primaries = options.primaries ?? 3;
  const replicas = options.replicas ?? 1;
  const nodeTimeout = options.nodeTimeoutMs ?? 2000;
  const servers = await Promise.all(
    Array.from({ length: primaries * (1 + replicas) }, () =>
      startRedisServer({
        args: (port) => [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          String(nodeTimeout),
          // A replica's first sync starts at once (the default waits 5 s for more replicas to share it).
          '--repl-diskless-sync-delay',
          '0',
        ],
      }),
    ),
  );
  // Admin connections, one per node, reconnecting after a node is restarted.
  const admins = new Map<number, ReturnType<typeof createClient>>();
  const admin = async (port: number) => {
    let client = admins.get(port);
    if (client === undefined) {
      client = createClient({
        url: `redis://127.0.0.1:${port}`,
        disableOfflineQueue: true,
        socket: { connectTimeout: 1000, reconnectStrategy: () => 50 },
      });
      client.on('error', () => {});
      admins.set(port, client);
      await client.connect();
    }
    return client;
  };
  const send = async (port: number, args: string[]) => (await admin(port)).sendCommand(args);
  const nodesSeenBy = async (port: number) => parseNodes(String(await send(port, ['CLUSTER', 'NODES'])));

  const nodes: ClusterNode[] = [];
  for (const server of servers) {
    nodes.push({ server, port: server.port, id: String(await send(server.port, ['CLUSTER', 'MYID'])) });
  }
  let relay: Relay | undefined;
  let relayed: ClusterNode | undefined;
  if (options.relayShard !== undefined) {
    relayed = nodes[options.relayShard]!;
    relay = await startRelay(relayed.port);
    await send(relayed.port, ['CONFIG', 'SET', 'cluster-announce-port', String(relay.port)]);
    await send(relayed.port, ['CONFIG', 'SET', 'cluster-announce-bus-port', String(relayed.port + 10_000)]);
  }
  const per = Math.ceil(SLOTS / primaries);
  for (let i = 0; i < primaries; i++) {
    const from = i * per;
    const to = Math.min(SLOTS, from + per) - 1;
    await send(nodes[i]!.port, ['CLUSTER', 'ADDSLOTSRANGE', String(from), String(to)]);
  }
  for (const node of nodes.slice(1)) await send(nodes[0]!.port, ['CLUSTER', 'MEET', '127.0.0.1', String(node.port)]);
  await until('every node to know every other', async () => {
    for (const node of nodes) if ((await nodesSeenBy(node.port)).length !== nodes.length) return undefined;
    return true;
  });
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < primaries; i++) {
      const replica = nodes[primaries + r * primaries + i]!;
      await until('a replica to accept its primary', () => send(replica.port, ['CLUSTER', 'REPLICATE', nodes[i]!.id]).then(() => true));
    }
  }

  const alive = () => nodes.filter((n) => n.server.running);
  const settled = async () => {
    await until('the cluster to agree and replicate', async () => {
      const ports = new Set(alive().map((n) => n.port));
      if (relay !== undefined && relayed?.server.running) ports.add(relay.port);
      let view: string | undefined;
      for (const node of alive()) {
        const info = String(await send(node.port, ['CLUSTER', 'INFO']));
        if (!info.includes('cluster_state:ok')) return undefined;
        // Every live node, as this one sees it: a primary with slots, or a replica of one.
        const lines = (await nodesSeenBy(node.port)).filter((l) => ports.has(l.port));
        const primariesSeen = lines.filter((l) => l.flags.includes('master') && l.slots.length > 0);
        if (primariesSeen.length !== primaries) return undefined;
        if (
          !lines.every((l) => primariesSeen.includes(l) || (l.flags.includes('slave') && primariesSeen.some((p) => p.id === l.primaryId)))
        ) {
          return undefined;
        }
        const seen = lines
          .map((l) => `${l.id}:${l.flags.includes('slave') ? `>${l.primaryId}` : l.slots.join(',')}`)
          .sort()
          .join(' ');
        if (view !== undefined && view !== seen) return undefined;
        view = seen;
        const replication = String(await send(node.port, ['INFO', 'replication']));
        if (replication.includes('role:slave') && !/master_link_status:up[\s\S]*master_sync_in_progress:0/.test(replication))
          return undefined;
      }
      return true;
    });
  };
  await settled();

  const byId = (id: string) => nodes.find((n) => n.id === id);
  return {
    nodes,
    rootNodes: nodes.map((n) => ({ url: `redis://127.0.0.1:${n.port}` })),
    shardOf: (slot) => Math.floor(slot / per),
    firstSlotOf: (shard) => shard * per,
    async primaryOf(slot) {
      const from = alive()[0]!;
      const shards = (await send(from.port, ['CLUSTER', 'SLOTS'])) as Array<[number, number, [string, number, string]]>;
      const shard = shards.find(([lo, hi]) => lo <= slot && slot <= hi);
      const node = shard && byId(String(shard[2][2]));
      if (node === undefined) throw new Error(`cluster: no primary for slot ${slot}`);
      return node;
    },
    async replicasOf(primary) {
      const lines = await nodesSeenBy(primary.port);
      return lines.filter((l) => l.primaryId === primary.id).map((l) => byId(l.id)!);
    },
    async takeover(replica) {
      await send(replica.port, ['CLUSTER', 'FAILOVER', 'TAKEOVER']);
      await until('the promoted replica to be seen as primary', async () => {
        for (const node of alive()) {
          const me = (await nodesSeenBy(node.port)).find((l) => l.id === replica.id);
          if (!me?.flags.includes('master') || me.slots.length === 0) return undefined;
        }
        return true;
      });
    },
    async moveSlot(slot, to) {
      const from = await this.primaryOf(slot);
      await send(to.port, ['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from.id]);
      await send(from.port, ['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to.id]);
      for (;;) {
        const keys = (await send(from.port, ['CLUSTER', 'GETKEYSINSLOT', String(slot), '100'])) as string[];
        if (keys.length === 0) break;
        await send(from.port, ['MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', ...keys]);
      }
      for (const node of alive()) await send(node.port, ['CLUSTER', 'SETSLOT', String(slot), 'NODE', to.id]).catch(() => {});
      await settled();
    },
    command: (node, args) => send(node.port, args),
    settled,
    relay,
    async stop() {
      for (const client of admins.values()) client.destroy();
      await relay?.close();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
