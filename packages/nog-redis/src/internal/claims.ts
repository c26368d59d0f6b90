import { NonceStoreError, type NonceStoreErrorCode } from '@reqsign/nog';
import type { RedisClaimEvent, RedisNonceStoreFailure, RedisNonceStoreMetrics } from '../metrics.js';
import { Deadlines, type Expiring } from './deadlines.js';
import { readTagReply } from './tags.js';

/** Each reason's code and fixed message (never a key id or nonce in it). */
const FAILURES: Readonly<Record<RedisNonceStoreFailure, readonly [NonceStoreErrorCode, string]>> = {
  overloaded: ['ERR_NONCE_STORE_UNAVAILABLE', 'Too many nonce claims are waiting for Redis'],
  disconnected: ['ERR_NONCE_STORE_UNAVAILABLE', 'The Redis client is not connected'],
  error: ['ERR_NONCE_STORE_UNAVAILABLE', 'The Redis nonce claim failed'],
  replicas: ['ERR_NONCE_STORE_UNAVAILABLE', 'Too few Redis replicas acknowledged the nonce claim in time'],
  full: ['ERR_NONCE_STORE_FULL', 'Redis is out of memory for nonces'],
  timeout: ['ERR_NONCE_STORE_TIMEOUT', 'Redis did not answer the nonce claim in time'],
  reply: ['ERR_NONCE_STORE_REPLY', 'Redis gave an unexpected answer to SET NX'],
};

/** What kind of value a reply is, for a message: never the value itself. */
export function kindOf(reply: unknown): string {
  if (reply === null) return 'nil';
  if (Array.isArray(reply)) return 'an array';
  if (reply instanceof Uint8Array) return `${reply.length} bytes`;
  return typeof reply === 'string' ? `a string of ${reply.length} characters` : `a ${typeof reply}`;
}

/**
 * The cause of a failure that has no error of its own (the client's error, Redis's error reply, is kept as it is):
 * what an operator reads in a log, with the limit that was reached. No key, nonce or reply value in it.
 */
function causeOf(reason: RedisNonceStoreFailure, claims: Claims, detail: string | undefined): Error {
  const text: Record<RedisNonceStoreFailure, string> = {
    overloaded: `maxInFlight (${claims.maxInFlight}) claims were already waiting for Redis`,
    disconnected: 'the Redis client (or the cluster node that holds the key) is not connected',
    error: 'the Redis claim failed',
    replicas: 'WAIT counted fewer replicas than durability.replicas',
    full: 'Redis refused the write: out of memory',
    timeout: `Redis did not answer within ${claims.timeoutMs} ms (timeoutMs)`,
    reply: "SET NX GET answered something other than nil or a nonce store's value",
  };
  return new Error(detail === undefined ? text[reason] : `${text[reason]}: ${detail}`);
}

/** The reason for an error Redis answered with, or for a broken connection. */
export function reasonOf(error: unknown): RedisNonceStoreFailure {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('OOM ')) return 'full';
  if (message.startsWith('NOREPLICAS ')) return 'replicas';
  return 'error';
}

/**
 * The error to keep as a claim's `cause` for an error Redis answered to its `SET`: as it is, except the syntax error
 * of a Redis older than 7.0, which refuses `NX` with `GET` in one `SET` (README, "The claim's tag, and Redis 7.0").
 */
export function explain(error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith('ERR syntax error')) {
    return new Error('Redis refused SET with NX and GET as a syntax error: the store needs Redis 7.0 or later', { cause: error });
  }
  return error;
}

type Counts = {
  accepted: number;
  replays: number;
  failures: Record<NonceStoreErrorCode, number>;
  reasons: Record<RedisNonceStoreFailure, number>;
};

/**
 * What every claim of a store shares: its counters, its one deadline queue, how many claims Redis has not answered
 * yet, and the caller's `onClaim` hook.
 */
export class Claims {
  readonly deadlines: Deadlines;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  inFlight = 0;
  readonly #counts: Counts = {
    accepted: 0,
    replays: 0,
    failures: { ERR_NONCE_STORE_FULL: 0, ERR_NONCE_STORE_UNAVAILABLE: 0, ERR_NONCE_STORE_TIMEOUT: 0, ERR_NONCE_STORE_REPLY: 0 },
    reasons: { overloaded: 0, disconnected: 0, error: 0, replicas: 0, full: 0, timeout: 0, reply: 0 },
  };
  readonly #onClaim: ((event: RedisClaimEvent) => void) | undefined;

  constructor(timeoutMs: number, maxInFlight: number, onClaim: ((event: RedisClaimEvent) => void) | undefined) {
    this.deadlines = new Deadlines(timeoutMs);
    this.timeoutMs = timeoutMs;
    this.maxInFlight = maxInFlight;
    this.#onClaim = onClaim;
  }

  metrics(): RedisNonceStoreMetrics {
    const c = this.#counts;
    return { accepted: c.accepted, replays: c.replays, failures: { ...c.failures }, reasons: { ...c.reasons }, inFlight: this.inFlight };
  }

  /**
   * Counts an answer and tells the hook; the error to reject with for a failure, with `cause` (the client's error) or,
   * without one, an `Error` that says what happened (`detail` added to it).
   */
  count(started: number, result: boolean | RedisNonceStoreFailure, cause?: unknown, detail?: string): NonceStoreError | undefined {
    const c = this.#counts;
    let error: NonceStoreError | undefined;
    if (result === true) c.accepted++;
    else if (result === false) c.replays++;
    else {
      const [code, message] = FAILURES[result];
      c.failures[code]++;
      c.reasons[result]++;
      error = new NonceStoreError(code, message, { cause: cause === undefined ? causeOf(result, this, detail) : cause });
    }
    const hook = this.#onClaim;
    if (hook !== undefined) {
      const ms = this.deadlines.now() - started;
      const event: RedisClaimEvent =
        error === undefined
          ? { result: result === true ? 'accepted' : 'replay', ms }
          : { result: 'failed', ms, code: error.code, reason: result as RedisNonceStoreFailure };
      try {
        hook(event);
      } catch {
        // A metrics hook cannot change an answer: what it throws is dropped.
      }
    }
    return error;
  }

  /** A claim refused before it was sent (overloaded, disconnected). */
  refuse(reason: RedisNonceStoreFailure): Promise<never> {
    return Promise.reject(this.count(this.deadlines.now(), reason));
  }
}

/**
 * One claim on its way: settled once, by Redis's answer or by its deadline, whichever comes first. Redis's answer
 * may still come after the deadline; only then does the claim stop counting as in flight (`done`).
 */
export class PendingClaim implements Expiring {
  at = 0;
  settled = false;
  readonly #claims: Claims;
  readonly #resolve: (claimed: boolean) => void;
  readonly #reject: (error: unknown) => void;
  readonly #started: number;
  /** The SET command. */
  readonly args: string[];
  /** Handed to Redis (a durable claim waits for its batch first). */
  #sent: boolean;

  constructor(claims: Claims, args: string[], sent: boolean, resolve: (claimed: boolean) => void, reject: (error: unknown) => void) {
    this.#claims = claims;
    this.args = args;
    this.#sent = sent;
    this.#resolve = resolve;
    this.#reject = reject;
    const now = claims.deadlines.now();
    this.#started = now;
    claims.inFlight++;
    claims.deadlines.add(this, now);
  }

  /** Marks a waiting claim as sent; false when it timed out while waiting (it is not sent then). */
  send(): boolean {
    if (this.settled) return false;
    this.#sent = true;
    return true;
  }

  /** Redis's exchange for this claim is over (answered, failed, or dropped unsent): it no longer counts as in flight. */
  done(): void {
    this.#claims.inFlight--;
  }

  /** Settles with `true` (new), `false` (seen before) or a failure; later calls do nothing. */
  settle(result: boolean | RedisNonceStoreFailure, cause?: unknown, detail?: string): void {
    if (this.settled) return;
    this.settled = true;
    const error = this.#claims.count(this.#started, result, cause, detail);
    if (error === undefined) this.#resolve(result as boolean);
    else this.#reject(error);
    this.#claims.deadlines.trim();
  }

  /** The `SET NX GET` command's tag: the value this claim writes. */
  get tag(): string {
    return this.args[2]!;
  }

  /**
   * The answer to a lone `SET key tag NX GET`: nil (written now) or the claim's own tag (written by this claim's
   * `SET`, which the client re-sent after it had run) is new, another claim's value a replay.
   */
  answer(reply: unknown): void {
    this.done();
    const read = readTagReply(reply, this.tag);
    if (read === 'new' || read === 'own') this.settle(true);
    else if (read === 'replay') this.settle(false);
    else this.settle('reply', undefined, kindOf(reply));
  }

  /** The lone `SET NX GET` failed. */
  fail(error: unknown): void {
    this.done();
    this.settle(reasonOf(error), explain(error));
  }

  expire(): void {
    this.settle('timeout');
    if (!this.#sent) this.done();
  }
}
