import type { RedisClientLike, RedisClusterLike, RedisClusterNodeLike, RedisConnectionLike, RedisSentinelLike } from '../clients.js';
import { keySlot } from './slot.js';

/** A reply or the error in its place, in the order the commands were sent. */
export type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** A cluster node's answer that the key's slot is served elsewhere (the command did not run). */
export const isRedirect = (error: unknown): boolean => error instanceof Error && /^(MOVED|ASK) /.test(error.message);

const ok = (value: unknown): Settled => ({ ok: true, value });
const failed = (error: unknown): Settled => ({ ok: false, error });

/** The way to the primary of a key: one ordered connection, which a `WAIT` after a batch of `SET`s must run on. */
export interface Route {
  /** False when the connection is known to be down (the claim then fails at once). */
  ready(): boolean;
  /** Sends one command for `key` to the primary this route is for. */
  send(key: string, args: string[]): Promise<unknown>;
  /**
   * Sends it again after `send` was answered MOVED or ASK (the command did not run), through the client's own routing,
   * which follows the redirect and learns the new slot map. Only a cluster has it.
   */
  follow?(key: string, args: string[]): Promise<unknown>;
  /** Sends the commands in order on this one connection; settles when every reply is in. */
  pipeline(commands: readonly string[][]): Promise<Settled[]>;
}

/** How the store reaches the primary of a key, whichever client it was given. */
export interface Topology {
  /** Whether routes depend on the key's cluster slot (then `route` takes it, when the caller knows it already). */
  readonly slotted: boolean;
  /** The route for `key` (of cluster slot `slot`); undefined when no primary is known for it (a cluster before it connected). */
  route(key: string, slot?: number): Route | undefined;
  /** A batch got MOVED or ASK for `key`: let the client learn the new slot map (by sending a command it routes). */
  redirected(key: string): void;
}

function attempt(send: (args: string[]) => Promise<unknown>, args: string[]): Promise<Settled> {
  try {
    // A client of the wrong shape may answer with no promise: its value is the reply (and fails as one).
    return Promise.resolve(send(args)).then(ok, failed);
  } catch (error) {
    return Promise.resolve(failed(error));
  }
}

const pipelineOn = (send: (args: string[]) => Promise<unknown>, commands: readonly string[][]): Promise<Settled[]> =>
  Promise.all(commands.map((args) => attempt(send, args)));

/** One route for every key: a client's one connection, or a Sentinel primary. */
function one(route: Route): Topology {
  return { slotted: false, route: () => route, redirected: () => {} };
}

function single(client: RedisClientLike): Topology {
  const send = (args: string[]) => client.sendCommand(args);
  return one({
    ready: () => client.isReady !== false,
    send: (_key, args) => client.sendCommand(args),
    pipeline: (commands) => pipelineOn(send, commands),
  });
}

function sentinel(client: RedisSentinelLike): Topology {
  return one({
    ready: () => client.isReady !== false,
    send: (_key, args) => client.sendCommand(false, args),
    // A lease holds one connection to the primary for the whole batch, so the WAIT follows its SETs.
    pipeline: (commands) => client.use((lease) => pipelineOn((args) => lease.sendCommand(false, args), commands)),
  });
}

function cluster(client: RedisClusterLike): Topology {
  // One route per primary node object; a new slot map brings new node objects, and new routes with them.
  const routes = new WeakMap<RedisClusterNodeLike, Route>();
  const routeOf = (node: RedisClusterNodeLike): Route => {
    // The node's client when it has one; else connect it first (the commands then go out in order, after it).
    const direct = (args: string[]): Promise<unknown> =>
      node.client !== undefined ? node.client.sendCommand(args) : client.nodeClient(node).then((c) => c.sendCommand(args));
    // A batch goes out on one connection, taken once: every command of it queued on that client in order.
    const pipeline = (commands: readonly string[][]): Promise<Settled[]> => {
      if (node.client !== undefined) {
        const nodeClient = node.client;
        return pipelineOn((args) => nodeClient.sendCommand(args), commands);
      }
      return client.nodeClient(node).then(
        (c) => pipelineOn((args) => c.sendCommand(args), commands),
        (error: unknown) => commands.map(() => failed(error)),
      );
    };
    return {
      ready: () => node.client?.isReady !== false,
      // Straight to the primary's connection (the cluster client's own routing costs more than the claim); a
      // redirect is re-sent through the cluster client (`follow`), which follows it and learns the new slot map. A
      // redirected SET did not run.
      send: (_key, args) => direct(args),
      follow: (key, args) => client.sendCommand(key, false, args),
      pipeline,
    };
  };
  return {
    slotted: true,
    route: (key, slot = keySlot(key)) => {
      const node = client.slots[slot]?.master;
      if (node === undefined) return undefined;
      let route = routes.get(node);
      if (route === undefined) {
        route = routeOf(node);
        routes.set(node, route);
      }
      return route;
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
