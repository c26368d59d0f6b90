import { NogError, NonceStoreError, type NonceClaim, type NonceStore } from '@reqsign/nog';
import { nonceKey } from './internal/key.js';

export type { NonceClaim, NonceStore };

/**
 * The part of a node-redis v5 client (`createClient()` from the `redis` package) that the store uses. A connected
 * `RedisClientType` satisfies it; so does a cluster client (`createCluster()`), which has no `isReady` of its own.
 */
export interface RedisClientLike {
  readonly isReady?: boolean;
  set(key: string, value: string, options: { condition: 'NX'; expiration: { type: 'PX'; value: number } }): Promise<unknown>;
}

export interface RedisNonceStoreOptions {
  /** A node-redis client. Create it with `disableOfflineQueue: true` and give it an `error` listener (README). */
  readonly client: RedisClientLike;
  /** Prepended to every key (default `reqsign:nog:nonce:`), so that several services can share one database. */
  readonly prefix?: string;
  /**
   * How long a claim may take before it fails with `ERR_NONCE_STORE_TIMEOUT`, in milliseconds (default 2000). A
   * Redis that hangs is a store failure: the request is refused, never left waiting and never accepted.
   */
  readonly timeoutMs?: number;
  /**
   * Extra milliseconds a nonce is kept after `expiresAt` (default 30000). A claim keeps its nonce for
   * `expiresAt - now` by the claiming verifier's clock (`PX`, so the Redis server's clock does not matter); another
   * verifier whose clock runs behind would still accept the signature that much longer. The tolerance covers that
   * much clock difference between the verifiers that share the database.
   */
  readonly clockToleranceMs?: number;
}

/** A `NonceStore` for @reqsign/nog whose memory is Redis, shared by every verifier that uses the same database. */
export interface RedisNonceStore extends NonceStore {
  /**
   * Claims a nonce with one `SET key 1 NX PX <expiresAt - now + tolerance>`: true when it was new, false when it was
   * already claimed. Rejects with a `NonceStoreError` when the client is not connected, Redis answers with an error,
   * or no answer comes within `timeoutMs`; the verifier then refuses the request (`ERR_AUTH_NONCE_STORE`).
   */
  claim(claim: NonceClaim): Promise<boolean>;
  /** The Redis key that a claim uses (for operators and tests). */
  keyFor(claim: Pick<NonceClaim, 'keyId' | 'authdate' | 'nonce'>): string;
}

const DEFAULT_PREFIX = 'reqsign:nog:nonce:';
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_CLOCK_TOLERANCE_MS = 30_000;

function invalid(message: string): NogError {
  return new NogError('ERR_INVALID_ARGUMENT', message);
}

function nonNegativeInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${name} must be a non-negative whole number of milliseconds`);
  }
  return value;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NonceStoreError('ERR_NONCE_STORE_TIMEOUT', 'Redis did not answer the nonce claim in time')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A Redis nonce store: each claim is one atomic `SET <prefix>[keyId,authdate,nonce] 1 NX PX <ttl>`, so any number of
 * verifier processes sharing the database accept a given nonce exactly once, and Redis forgets it only after its
 * signature has expired. The ttl comes from the claim's own `expiresAt` and `now` (the verifier's clock). Every failure
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
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const { client } = options;
  if (typeof client !== 'object' || client === null || typeof client.set !== 'function') {
    throw invalid('client must be a node-redis client');
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') throw invalid('prefix must be a string');
  const timeoutMs = nonNegativeInteger(options.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS);
  if (timeoutMs === 0) throw invalid('timeoutMs must be a positive whole number of milliseconds');
  const toleranceMs = nonNegativeInteger(options.clockToleranceMs, 'clockToleranceMs', DEFAULT_CLOCK_TOLERANCE_MS);

  const keyFor = (claim: Pick<NonceClaim, 'keyId' | 'authdate' | 'nonce'>): string => {
    if (typeof claim !== 'object' || claim === null) throw invalid('claim must be an object');
    const { keyId, authdate, nonce } = claim;
    if (typeof keyId !== 'string') throw invalid('claim.keyId must be a string');
    if (typeof authdate !== 'string') throw invalid('claim.authdate must be a string');
    if (typeof nonce !== 'string') throw invalid('claim.nonce must be a string');
    return nonceKey(prefix, keyId, authdate, nonce);
  };

  const claim = async (claim: NonceClaim): Promise<boolean> => {
    const key = keyFor(claim);
    const { expiresAt, now } = claim;
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
      throw invalid('claim.expiresAt must be a finite number of milliseconds');
    }
    if (typeof now !== 'number' || !Number.isFinite(now)) throw invalid('claim.now must be a finite number of milliseconds');
    // PX takes a positive integer; round up so that a nonce is never forgotten early.
    const ttl = Math.max(1, Math.ceil(expiresAt - now) + toleranceMs);
    if (client.isReady === false) {
      throw new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', 'The Redis client is not connected');
    }
    let reply: unknown;
    try {
      reply = await withTimeout(
        Promise.resolve().then(() => client.set(key, '1', { condition: 'NX', expiration: { type: 'PX', value: ttl } })),
        timeoutMs,
      );
    } catch (cause) {
      if (cause instanceof NonceStoreError) throw cause;
      throw new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', 'The Redis nonce claim failed', { cause });
    }
    if (reply === 'OK') return true;
    if (reply === null) return false;
    throw new NonceStoreError('ERR_NONCE_STORE_REPLY', 'Redis gave an unexpected answer to SET NX');
  };

  return { claim, keyFor };
}
