import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { listenOnLoopback } from './listen.js';

/**
 * A TCP relay on loopback in front of a redis-server: every connection to the relay gets its own connection to the
 * server, and bytes flow both ways unchanged. A replica told to replicate from the relay's port gets its replication
 * stream through it, and `hold()` stops that stream (the primary-to-replica direction of the connections that asked
 * for it with PSYNC or SYNC): the replica stays connected, keeps sending its acknowledgements (of an old offset) and
 * falls behind, as a replica behind a congested link does. Other connections (clients, sentinels) flow on.
 */
export interface Relay {
  readonly port: number;
  /** Stops forwarding the replication stream (the relay stops reading it: the primary's output buffer grows). */
  hold(): void;
  /** Forwards it again, with everything held. */
  release(): void;
  /** Closes every connection at once, dropping what was held (the primary died with it), and stops listening. */
  close(): Promise<void>;
}

export async function startRelay(target: number): Promise<Relay> {
  const pairs = new Set<{ down: Socket; up: Socket; replication: boolean }>();
  let held = false;
  const server: Server = createServer((down) => {
    const up = createConnection({ host: '127.0.0.1', port: target });
    const pair = { down, up, replication: false };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      down.destroy();
      up.destroy();
    };
    down.on('data', (chunk: Buffer) => {
      if (!pair.replication && /\b(PSYNC|SYNC)\b/i.test(chunk.toString('latin1'))) {
        pair.replication = true;
        if (held) up.pause();
      }
      up.write(chunk);
    });
    up.on('data', (chunk: Buffer) => down.write(chunk));
    down.on('close', end).on('error', end);
    up.on('close', end).on('error', end);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    hold() {
      held = true;
      for (const p of pairs) if (p.replication) p.up.pause();
    },
    release() {
      held = false;
      for (const p of pairs) p.up.resume();
    },
    async close() {
      for (const p of pairs) {
        p.down.destroy();
        p.up.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
