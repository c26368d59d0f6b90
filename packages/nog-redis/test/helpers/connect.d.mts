/** Types of connect.mjs (plain JavaScript so that worker processes can load it without a loader). */
export declare const REDIS_MAJORS: { readonly 5: 'redis5'; readonly 6: 'redis' };

export type ConnectSpec = (
  | { redis?: string; kind: 'client'; url: string }
  | { redis?: string; kind: 'cluster'; rootNodes: Array<{ url: string }>; refreshMs?: number }
  | { redis?: string; kind: 'sentinel'; name: string; sentinels: Array<{ host: string; port: number }> }
) & {
  /** The protocol (node-redis 6 speaks RESP3 by default, 5 RESP2). */
  resp?: 2 | 3;
  /** How long a connection may take to open (default 1000 ms). */
  connectTimeoutMs?: number;
};

/** A connected client, cluster or sentinel. */
export declare function connect(spec: ConnectSpec): Promise<unknown>;
