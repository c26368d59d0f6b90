import type { RedisClientLike, RedisClusterLike, RedisClusterNodeLike, RedisConnectionLike, RedisSentinelLike } from '../clients.js';
import { keySlot } from './slot.js';

/** A reply or the error in its place, in the order the commands were sent. */
export type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** A cluster node's answer that the key's slot is served elsewhere (the command did not run). */
export const isRedirect = (error: unknown): boolean => error instanceof Error && /^(MOVED|ASK) /.test(error.message);

const ok = (value: unknown): Settled => ({ ok: true, value });
const failed = (error: unknown): Settled => ({ ok: false, error });

/** One ordered connection to one primary: what a `WAIT` after a batch of `SET`s must run on. */
export interface Connection {
  /** False when it is known to be down. */
  ready(): boolean;
  /** Sends the commands in order on this one connection; settles when every reply is in. */
  pipeline(commands: readonly string[][]): Promise<Settled[]>;
}

/** How the store reaches the primary of a key, whichever client it was given. */
export interface Topology {
  readonly kind: 'client' | 'cluster' | 'sentinel';
  /** Whether a claim of `key` can be sent now (false: fail at once). */
  ready(key: string): boolean;
  /** Sends one command for `key`, with the client's own routing (a cluster follows MOVED and ASK). */
  send(key: string, args: string[]): Promise<unknown>;
  /** The connection to the primary of `key`, for a batch and its `WAIT`; undefined when none is known. */
  connection(key: string): Connection | undefined;
  /** A batch got MOVED or ASK for `key`: let the client learn the new slot map (by sending a command it routes). */
  redirected(key: string): void;
}

function attempt(send: (args: string[]) => Promise<unknown>, args: string[]): Promise<Settled> {
  try {
    return send(args).then(ok, failed);
  } catch (error) {
    return Promise.resolve(failed(error));
  }
}

const pipelineOn = (send: (args: string[]) => Promise<unknown>, commands: readonly string[][]): Promise<Settled[]> =>
  Promise.all(commands.map((args) => attempt(send, args)));

function single(client: RedisClientLike): Topology {
  const send = (args: string[]) => client.sendCommand(args);
  const connection: Connection = {
    ready: () => client.isReady !== false,
    pipeline: (commands) => pipelineOn(send, commands),
  };
  return {
    kind: 'client',
    ready: () => client.isReady !== false,
    send: (_key, args) => client.sendCommand(args),
    connection: () => connection,
    redirected: () => {},
  };
}

function sentinel(client: RedisSentinelLike): Topology {
  const connection: Connection = {
    ready: () => client.isReady !== false,
    // A lease holds one connection to the primary for the whole batch, so the WAIT follows its SETs.
    pipeline: (commands) => client.use((lease) => pipelineOn((args) => lease.sendCommand(false, args), commands)),
  };
  return {
    kind: 'sentinel',
    ready: () => client.isReady !== false,
    send: (_key, args) => client.sendCommand(false, args),
    connection: () => connection,
    redirected: () => {},
  };
}

function cluster(client: RedisClusterLike): Topology {
  // One Connection per primary node object; a new slot map brings new node objects, and new connections with them.
  const connections = new WeakMap<RedisClusterNodeLike, Connection>();
  const primary = (key: string): RedisClusterNodeLike | undefined => client.slots[keySlot(key)]?.master;
  const connectionOf = (node: RedisClusterNodeLike): Connection => {
    let connection = connections.get(node);
    if (connection === undefined) {
      // The node's client when it has one; else connect it first (the commands then go out in order, after it).
      const send = (args: string[]): Promise<unknown> =>
        node.client !== undefined ? node.client.sendCommand(args) : client.nodeClient(node).then((c) => c.sendCommand(args));
      connection = {
        ready: () => node.client?.isReady !== false,
        pipeline: (commands) => pipelineOn(send, commands),
      };
      connections.set(node, connection);
    }
    return connection;
  };
  return {
    kind: 'cluster',
    ready: (key) => {
      const node = primary(key);
      return node !== undefined && node.client?.isReady !== false;
    },
    // Straight to the primary's connection (the cluster client's own routing costs more than the claim); a redirect is
    // re-sent through the cluster client, which follows it and learns the new slot map. A redirected SET did not run.
    send: (key, args) => {
      const direct = primary(key)?.client;
      if (direct === undefined) return client.sendCommand(key, false, args);
      return direct
        .sendCommand(args)
        .catch((error: unknown) => (isRedirect(error) ? client.sendCommand(key, false, args) : Promise.reject(error)));
    },
    connection: (key) => {
      const node = primary(key);
      return node === undefined ? undefined : connectionOf(node);
    },
    // The cluster client refreshes its slot map when a command it routed is answered MOVED.
    redirected: (key) => void client.sendCommand(key, false, ['EXISTS', key]).catch(() => {}),
  };
}

/** Which of the three clients this is, by its shape. */
export function topologyOf(client: RedisConnectionLike): Topology {
  const c = client as unknown as Record<string, unknown>;
  if (typeof c['nodeClient'] === 'function' && typeof c['slots'] === 'object') return cluster(client as RedisClusterLike);
  if (typeof c['use'] === 'function' && typeof c['getMasterNode'] === 'function') return sentinel(client as RedisSentinelLike);
  return single(client as RedisClientLike);
}

/** A client pool spreads commands over connections: a `WAIT` would not follow its `SET`s. */
export function isPool(client: RedisConnectionLike): boolean {
  return 'totalClients' in (client as object);
}
