import { createClient } from 'redis';

export type TestClient = ReturnType<typeof createClient>;

/**
 * A client configured as the README recommends for a verifier: no offline queue (a command while disconnected fails
 * at once), a short connect timeout, reconnect every 50 ms, and an error listener (without one, node-redis would
 * crash the process when Redis goes away).
 */
export async function connectClient(url: string): Promise<TestClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: () => 50 },
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Resolves when the client is connected and ready again (after Redis came back). */
export async function whenReady(client: TestClient): Promise<void> {
  if (client.isReady) return;
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
}
