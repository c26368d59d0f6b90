/**
 * The parts of the official `redis` package's clients (node-redis 5 and 6) that the store uses, by shape: the
 * package is a peer dependency and is never imported, so any of its majors and any client type of the three works.
 * Commands go out with `sendCommand` as raw arguments, so a client's `keyPrefix` option does not apply: the keys in
 * Redis are exactly `keyFor(claim)`.
 */

/** A single connection: `createClient()` (or a pool, `createClientPool()`, without durability). Also a node of a cluster. */
export interface RedisClientLike {
  /** False while the client is not connected (the store then fails at once); a pool has none. */
  readonly isReady?: boolean;
  sendCommand(args: string[]): Promise<unknown>;
}

/** One primary of a cluster, as `createCluster()` lists it in `slots`. */
export interface RedisClusterNodeLike {
  /** `host:port`. */
  readonly address: string;
  /** The node's connection, once made. */
  readonly client?: RedisClientLike | undefined;
}

/** A Redis Cluster: `createCluster()`. The store reads its slot map to group a batch of claims by primary. */
export interface RedisClusterLike {
  /** The 16,384 slots, each with the primary that serves it (empty before `connect()`). */
  readonly slots: ReadonlyArray<{ readonly master: RedisClusterNodeLike } | undefined>;
  /** The connection to a node, connecting it if needed. */
  nodeClient(node: RedisClusterNodeLike): Promise<RedisClientLike>;
  sendCommand(firstKey: string, isReadonly: boolean, args: string[]): Promise<unknown>;
}

/** A connection leased from a Sentinel-managed primary's pool (`sentinel.use(fn)`). */
export interface RedisSentinelLeaseLike {
  sendCommand(isReadonly: boolean, args: string[]): Promise<unknown>;
}

/** A Sentinel-managed primary: `createSentinel()` (node-redis 5 and later). */
export interface RedisSentinelLike {
  readonly isReady: boolean;
  sendCommand(isReadonly: boolean, args: string[]): Promise<unknown>;
  /** Runs `fn` with one connection to the primary to itself (the store sends a batch and its `WAIT` on it). */
  use<T>(fn: (client: RedisSentinelLeaseLike) => Promise<T>): Promise<T>;
  getMasterNode(): unknown;
}

/** Any of the three. */
export type RedisConnectionLike = RedisClientLike | RedisClusterLike | RedisSentinelLike;
