import type { createClient } from 'redis';
import { connect } from './connect.mjs';

export type TestClient = ReturnType<typeof createClient>;

/**
 * A client configured as the README recommends for a verifier: no offline queue (a command while disconnected fails
 * at once), a short connect timeout, reconnect every 50 ms, and an error listener (without one, node-redis would
 * crash the process when Redis goes away). `redis` names the module: 'redis' (node-redis 6) or 'redis5'.
 */
export async function connectClient(url: string, redis = 'redis'): Promise<TestClient> {
  return (await connect({ redis, kind: 'client', url })) as TestClient;
}

/** Resolves when the client is connected and ready again (after Redis came back). */
export async function whenReady(client: { isReady: boolean; once(event: 'ready', listener: () => void): unknown }): Promise<void> {
  if (client.isReady) return;
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
}
