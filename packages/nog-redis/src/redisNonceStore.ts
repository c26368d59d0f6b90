import { assertNonceClaim, nonceStoreKey, type ScopedNonceClaim, type ScopedNonceStore } from '@reqsign/canonical';
import { NogError, type NonceClaim, type NonceStore } from '@reqsign/nog';
import type { RedisConnectionLike } from './clients.js';
import { Claims, PendingClaim } from './internal/claims.js';
import { DurableBatches } from './internal/durable.js';
import { nonceKeys } from './internal/key.js';
import { readOptions } from './internal/options.js';
import { Tags } from './internal/tags.js';
import { isRedirect, type Route, topologyOf } from './internal/topology.js';
import type { RedisClaimEvent, RedisNonceStoreMetrics } from './metrics.js';

export type { NonceClaim, NonceStore };

export interface RedisNonceStoreOptions {
  /**
   * A connected node-redis (5 or 6) client: `createClient()`, `createCluster()` or `createSentinel()`. Give it its
   * own connection (`duplicate()`), `disableOfflineQueue: true` and an `error` listener (README).
   */
  readonly client: RedisConnectionLike;
  /** Prepended to every key (default `reqsign:nog:nonce:`), so that several services can share one database. */
  readonly prefix?: string | undefined;
  /**
   * The longest a claim may take, in **milliseconds** (default 250, at most 2^31 - 1): then it fails with
   * `ERR_NONCE_STORE_TIMEOUT`. A Redis that hangs is a store failure: the request is refused, never left waiting and
   * never accepted.
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Extra **milliseconds** a nonce is kept after `expiresAt` (default 30000). A claim keeps its nonce for
   * `expiresAt - now` by the claiming verifier's clock (`PX`, so the Redis server's clock does not matter); another
   * verifier whose clock runs behind would still accept the signature that much longer. The tolerance covers that
   * much clock difference between the verifiers that share the database.
   */
  readonly clockToleranceMs?: number | undefined;
  /**
   * The most claims waiting for Redis at once (default 10,000). One more fails at once with
   * `ERR_NONCE_STORE_UNAVAILABLE` (reason `overloaded`), so a Redis that stops answering never makes the client queue
   * commands without bound; claims that timed out count until Redis answers them or the connection drops.
   */
  readonly maxInFlight?: number | undefined;
  /**
   * Count a claim only once `replicas` replicas of its primary have it: each batch of claims on a connection is
   * followed by `WAIT replicas timeoutMs`. Fewer acknowledgements within `timeoutMs` (**milliseconds**, default half the claim's
   * `timeoutMs`, and less than it) fail the batch's new claims closed (`ERR_NONCE_STORE_UNAVAILABLE`, reason
   * `replicas`). What this does and does not guarantee: README, "Durability".
   */
  readonly durability?: { readonly replicas: number; readonly timeoutMs?: number | undefined } | undefined;
  /** Called once per claim with its outcome and duration, for metrics (what it throws is ignored). */
  readonly onClaim?: ((event: RedisClaimEvent) => void) | undefined;
}

/** A `NonceStore` for @reqsign/nog whose memory is Redis, shared by every verifier that uses the same database. */
export interface RedisNonceStore extends NonceStore, ScopedNonceStore {
  /**
   * Claims a nonce with one `SET key <tag> NX GET PX <expiresAt - now + tolerance>` (Redis 7.0 or later), the tag the
   * claim's own: true when it was new (or held the claim's own tag: its `SET`, re-sent by the client after it had
   * run), false when it was already claimed. Rejects with a `NonceStoreError` when the client is not connected,
   * Redis answers with an error, too few replicas acknowledge (with `durability`), or no answer comes within
   * `timeoutMs`; the verifier then refuses the request (`ERR_AUTH_NONCE_STORE`). Takes nog's claim or the contract's for any scheme
   * (`{ scope, nonce, deadline, now }`, @reqsign/canonical's `ScopedNonceClaim`): a nog claim is the scope
   * `[keyId, authdate]`, so both forms of one claim are the same key.
   */
  claim(claim: NonceClaim | ScopedNonceClaim): Promise<boolean>;
  /** The Redis key that a claim uses (for operators and tests). */
  keyFor(claim: Pick<NonceClaim, 'keyId' | 'authdate' | 'nonce'>): string;
  /** The counters since the store was made: accepted, replays refused, failures by code and reason, in flight. */
  metrics(): RedisNonceStoreMetrics;
}

const invalid = (message: string): NogError => new NogError('ERR_INVALID_ARGUMENT', message);

/** `route.send` (or, after a redirect, `route.follow`) as a promise, whatever the client returns or throws. */
function sendOn(route: Route, key: string, args: string[], follow = false): Promise<unknown> {
  try {
    // A client of the wrong shape may answer with no promise: its value is the reply (and fails as one).
    return Promise.resolve(follow ? route.follow!(key, args) : route.send(key, args));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * A Redis nonce store: each claim is one atomic `SET <prefix>[keyId,authdate,nonce] <tag> NX GET PX <ttl>`, so any number of
 * verifier processes sharing the database accept a given nonce exactly once, and Redis forgets it only after its
 * signature has expired. The ttl comes from the claim's own `expiresAt` and `now` (the verifier's clock). One key per
 * claim, so it works on one server, a Sentinel-managed primary or a Redis Cluster with any slot layout. Every failure
 * rejects with a `NonceStoreError`: the store fails closed.
 *
 * ```ts
 * const client = createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true });
 * client.on('error', (err) => log(err));
 * await client.connect();
 * const verifier = createVerifier({ keys, nonceStore: createRedisNonceStore({ client }) });
 * ```
 */
export function createRedisNonceStore(options: RedisNonceStoreOptions): RedisNonceStore {
  const config = readOptions(options);
  const { prefix, toleranceMs } = config;
  const topology = topologyOf(config.client);
  const claims = new Claims(config.timeoutMs, config.maxInFlight, config.onClaim);
  const durable = config.durability && new DurableBatches(topology, config.durability.replicas, config.durability.timeoutMs);
  const tags = new Tags();

  const keys = nonceKeys(prefix);
  const keyFor = (claim: Pick<NonceClaim, 'keyId' | 'authdate' | 'nonce'>): string => {
    if (typeof claim !== 'object' || claim === null) throw invalid('claim must be an object');
    const { keyId, authdate, nonce } = claim;
    if (typeof keyId !== 'string') throw invalid('claim.keyId must be a string');
    if (typeof authdate !== 'string') throw invalid('claim.authdate must be a string');
    if (typeof nonce !== 'string') throw invalid('claim.nonce must be a string');
    return keys.key(keyId, authdate, nonce);
  };

  /**
   * `SET key tag NX GET PX ttl`: the claim's own tag as the value (GET answers what the key held: nil when this SET
   * wrote it), the ttl by the claim's clock; PX takes a positive integer, rounded up so never early.
   */
  const commandFor = (claim: NonceClaim | ScopedNonceClaim): string[] => {
    let key: string;
    let expiresAt: number;
    let deadlineName = 'claim.expiresAt';
    if (typeof claim === 'object' && claim !== null && 'scope' in claim) {
      deadlineName = 'claim.deadline';
      assertNonceClaim(claim, NogError);
      key = prefix + nonceStoreKey(claim.scope, claim.nonce);
      expiresAt = claim.deadline;
    } else {
      key = keyFor(claim);
      expiresAt = claim.expiresAt;
    }
    const { now } = claim;
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
      throw invalid(`${deadlineName} must be a finite number of milliseconds`);
    }
    if (typeof now !== 'number' || !Number.isFinite(now)) throw invalid('claim.now must be a finite number of milliseconds');
    return ['SET', key, tags.next(), 'NX', 'GET', 'PX', String(Math.max(1, Math.ceil(expiresAt - now) + toleranceMs))];
  };

  const claim = (claim: NonceClaim | ScopedNonceClaim): Promise<boolean> => {
    let args: string[];
    try {
      args = commandFor(claim);
    } catch (err) {
      return Promise.reject(err);
    }
    const key = args[1]!;
    if (claims.inFlight >= claims.maxInFlight) return claims.refuse('overloaded');
    const route = topology.slotted ? topology.route(key, keys.slotOf(key)) : topology.route(key);
    if (route === undefined || !route.ready()) return claims.refuse('disconnected');
    if (durable !== undefined) {
      return new Promise((resolve, reject) => durable.add(route, new PendingClaim(claims, args, false, resolve, reject)));
    }
    return new Promise((resolve, reject) => {
      const pending = new PendingClaim(claims, args, true, resolve, reject);
      sendOn(route, key, args).then(
        (reply) => pending.answer(reply),
        (error: unknown) => {
          // A cluster node answered that the key's slot is served elsewhere: the SET did not run; send it again
          // through the cluster client, which follows the redirect.
          if (route.follow === undefined || !isRedirect(error)) pending.fail(error);
          else {
            sendOn(route, key, args, true).then(
              (reply) => pending.answer(reply),
              (again: unknown) => pending.fail(again),
            );
          }
        },
      );
    });
  };

  return { claim, keyFor, metrics: () => claims.metrics() };
}
