// Connecting node-redis as the README tells a verifier to, for the tests and the verifier processes alike: one
// module per major of the peer dependency ('redis' is 6, 'redis5' an npm alias of redis@5).

/** The majors of `redis` the store is tested with, by the module name that loads each. */
export const REDIS_MAJORS = /** @type {const} */ ({ 5: 'redis5', 6: 'redis' });

/**
 * A connected client, cluster or sentinel.
 *
 * @param {({ redis?: string, kind: 'client', url: string }
 *   | { redis?: string, kind: 'cluster', rootNodes: Array<{ url: string }>, refreshMs?: number }
 *   | { redis?: string, kind: 'sentinel', name: string, sentinels: Array<{ host: string, port: number }> }) & { resp?: 2 | 3, connectTimeoutMs?: number }} spec
 */
export async function connect(spec) {
  const redis = await import(spec.redis ?? 'redis');
  const socket = { connectTimeout: spec.connectTimeoutMs ?? 1000, reconnectStrategy: () => 50 };
  // The protocol, when the spec names one (node-redis 6 speaks RESP3 by default, 5 RESP2).
  const resp = spec.resp === undefined ? {} : { RESP: spec.resp };
  let client;
  if (spec.kind === 'client') {
    // No offline queue (a command while disconnected fails at once), reconnect every 50 ms.
    client = redis.createClient({ url: spec.url, disableOfflineQueue: true, socket, ...resp });
  } else if (spec.kind === 'cluster') {
    client = redis.createCluster({
      rootNodes: spec.rootNodes,
      ...resp,
      defaults: { disableOfflineQueue: true, socket, ...resp },
      // node-redis 6: look for a new topology this soon after a node stops answering (default 5 s; 5 has no such option).
      topologyRefreshOnReconnectionAttemptStrategy: spec.refreshMs ?? 200,
    });
  } else {
    client = redis.createSentinel({
      name: spec.name,
      sentinelRootNodes: spec.sentinels,
      ...resp,
      nodeClientOptions: { disableOfflineQueue: true, socket, ...resp },
      sentinelClientOptions: { socket },
    });
  }
  // Without an error listener node-redis crashes the process when Redis goes away.
  client.on('error', () => {});
  await client.connect();
  return client;
}
