import { explain, kindOf, type PendingClaim, reasonOf } from './claims.js';
import { readTagReply } from './tags.js';
import { isRedirect, type Route, type Settled, type Topology } from './topology.js';

/** The shortest waiting list that is searched for claims that timed out (see `DurableBatches.#compactAt`). */
const COMPACT_MIN = 64;

/** The cause of a durable claim whose re-sent `SET` found its own write (no key id or nonce in it). */
const OWN_WRITE_ELSEWHERE = new Error(
  "the claim's SET had run on a connection that broke before its reply came, and was re-sent: the batch's WAIT ran on another connection and cannot vouch for the write",
);

/** Asks the connection who it is: `id=... addr=... laddr=...` and more (Redis 6.2 and later). */
const CLIENT_INFO = ['CLIENT', 'INFO'];

/** A `name=value` token of `CLIENT INFO` for one of the three names: at the start or after white space. */
const IDENTITY_FIELD = /(?<!\S)(id|addr|laddr)=(\S*)/g;

/**
 * The identity of the connection that answered `CLIENT INFO`: its client id on the server, its address and the
 * server's address (ids are counted per server process, so another server, or the same one restarted, may hand out
 * the same id again; the addresses tell those apart). Undefined for a reply without them. The reply is `name=value`
 * tokens separated by white space; the last token of a name counts. Only the three tokens are read (it runs twice
 * per durable batch).
 */
export function connectionIdentity(reply: unknown): string | undefined {
  let text: string;
  if (typeof reply === 'string') text = reply;
  else if (reply instanceof Uint8Array) text = new TextDecoder().decode(reply);
  else if (reply instanceof String) text = String(reply);
  else return undefined;
  let id: string | undefined;
  let addr: string | undefined;
  let laddr: string | undefined;
  IDENTITY_FIELD.lastIndex = 0;
  for (let m = IDENTITY_FIELD.exec(text); m !== null; m = IDENTITY_FIELD.exec(text)) {
    if (m[1] === 'id') id = m[2];
    else if (m[1] === 'addr') addr = m[2];
    else laddr = m[2];
  }
  if (!id || !addr || !laddr) return undefined;
  return `id=${id} addr=${addr} laddr=${laddr}`;
}

/**
 * Why a batch's `WAIT` cannot vouch for its `SET`s, or undefined when it can: both `CLIENT INFO` answers, before the
 * `SET`s and after the `WAIT`, came from one and the same connection. A connection that broke in between and was
 * made again (node-redis re-sends a command that failed with its connection: a Sentinel lease retries it on the new
 * connection, a client with an offline queue sends what it had not written yet) answers with another identity: its
 * `WAIT` covered none of the batch's writes and counts for nothing. Kept as the claims' `cause`, for operators: no
 * key id or nonce in it.
 */
function identityFailure(before: Settled, after: Settled): Error | undefined {
  if (!before.ok) return new Error('CLIENT INFO before the batch failed', { cause: before.error });
  if (!after.ok) return new Error('CLIENT INFO after WAIT failed', { cause: after.error });
  const first = connectionIdentity(before.value);
  const last = connectionIdentity(after.value);
  if (first === undefined || last === undefined) return new Error('CLIENT INFO gave no connection identity (Redis 6.2 or later is needed)');
  if (first !== last) {
    return new Error(
      `WAIT was answered on another connection than the batch's SETs (${first}, then ${last}): the connection was re-established`,
    );
  }
  return undefined;
}

/**
 * The number of replicas a `WAIT` answered, or undefined when its reply is not one: an integer (a number, or a bigint,
 * or the decimal digits of a client's type mapping as a string or bytes). Anything else (an array, a boolean, a map,
 * `"0x1"`, `" 1"`, which `Number()` would all read as replicas) is no count, and the batch's new claims fail closed
 * (reason `reply`).
 */
export function replicaCount(reply: unknown): number | undefined {
  if (typeof reply === 'number') return Number.isSafeInteger(reply) && reply >= 0 ? reply : undefined;
  if (typeof reply === 'bigint') return reply >= 0n ? Number(reply) : undefined;
  let text: string;
  if (typeof reply === 'string') text = reply;
  else if (reply instanceof Uint8Array) text = new TextDecoder().decode(reply);
  else return undefined;
  return /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : undefined;
}

/**
 * Claims that count only once `replicas` replicas have them: per connection to a primary (a {@link Route}), a batch
 * of `SET NX`s and one `WAIT replicas timeoutMs` after them on the same connection. `WAIT` answers how many replicas
 * acknowledged every write the connection made before it, so one `WAIT` covers the whole batch.
 *
 * The batch goes out as `CLIENT INFO`, the `SET`s, `WAIT`, `CLIENT INFO`, pipelined in that order on one connection.
 * The two identities must be one: a `WAIT` that node-redis re-sent on a new connection covers no write of the batch
 * (it answers at once with the number of connected replicas) and the batch's new claims fail closed (reason `error`,
 * the mismatch as `cause`).
 *
 * Group commit: a connection has at most one batch in flight; claims that arrive meanwhile wait and go out together
 * as the next batch when it is answered. One `WAIT` blocks its connection until the replicas acknowledge, so a `WAIT`
 * per claim would serialize them; a batch costs one replication round trip however many claims it carries.
 */
export class DurableBatches {
  readonly #topology: Topology;
  readonly #replicas: number;
  readonly #wait: string[];
  readonly #waiting = new Map<Route, PendingClaim[]>();
  /**
   * Per route, the length of its waiting list at which claims that timed out are dropped from it. While a batch
   * hangs (a connection that neither answers nor closes), every claim after it waits, times out and is refused, but
   * stayed in the list until the batch was answered: memory grew with the request rate for as long as it hung.
   * Dropping them when the list has doubled since the last drop keeps it at most twice the claims still waiting
   * (at most `maxInFlight`), for a constant cost per claim.
   */
  readonly #compactAt = new Map<Route, number>();
  readonly #busy = new Set<Route>();
  #scheduled = false;
  readonly #flush = (): void => {
    this.#scheduled = false;
    for (const route of [...this.#waiting.keys()]) if (!this.#busy.has(route)) this.#send(route);
  };

  constructor(topology: Topology, replicas: number, timeoutMs: number) {
    this.#topology = topology;
    this.#replicas = replicas;
    this.#wait = ['WAIT', String(replicas), String(timeoutMs)];
  }

  /** Queues a claim for the next batch on `route`'s connection (sent at the end of this tick if none is in flight). */
  add(route: Route, claim: PendingClaim): void {
    let list = this.#waiting.get(route);
    if (list === undefined) {
      this.#waiting.set(route, [claim]);
    } else {
      if (list.length >= (this.#compactAt.get(route) ?? COMPACT_MIN)) {
        // Claims that timed out while waiting were counted as done when they expired: they are never sent.
        list = list.filter((waiting) => !waiting.settled);
        this.#waiting.set(route, list);
        this.#compactAt.set(route, Math.max(COMPACT_MIN, list.length * 2));
      }
      list.push(claim);
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  #send(route: Route): void {
    const queued = this.#waiting.get(route)!;
    this.#waiting.delete(route);
    this.#compactAt.delete(route);
    // Claims that timed out while waiting are not sent at all.
    const batch = queued.filter((claim) => claim.send());
    if (batch.length === 0) return;
    this.#busy.add(route);
    const commands = [CLIENT_INFO, ...batch.map((claim) => claim.args), this.#wait, CLIENT_INFO];
    Promise.resolve()
      .then(() => route.pipeline(commands))
      .then(
        (replies) => this.#answer(batch, replies),
        (error: unknown) => {
          for (const claim of batch) claim.fail(error);
        },
      )
      .finally(() => {
        this.#busy.delete(route);
        if (this.#waiting.has(route)) this.#send(route);
      });
  }

  #answer(batch: readonly PendingClaim[], replies: readonly Settled[]): void {
    const wait = replies[batch.length + 1]!;
    const stranger = identityFailure(replies[0]!, replies[batch.length + 2]!);
    const count = wait.ok ? replicaCount(wait.value) : undefined;
    const acknowledged = count !== undefined && count >= this.#replicas;
    let redirected: string | undefined;
    for (let i = 0; i < batch.length; i++) {
      const claim = batch[i]!;
      const reply = replies[i + 1]!;
      claim.done();
      if (!reply.ok) {
        if (isRedirect(reply.error)) redirected = claim.args[1];
        claim.settle(reasonOf(reply.error), explain(reply.error));
        continue;
      }
      const read = readTagReply(reply.value, claim.tag);
      if (read === 'replay') {
        // Another claim's value: seen before, whatever happened to the connection (refusing needs no durability).
        claim.settle(false);
      } else if (read === 'unexpected') {
        claim.settle('reply', undefined, kindOf(reply.value));
      } else if (read === 'own') {
        // The claim's own SET ran on a connection that broke before its reply came, and node-redis re-sent it: the
        // nonce is this claim's, but the write was made on another connection than this batch's WAIT, which cannot
        // vouch for it.
        claim.settle('error', OWN_WRITE_ELSEWHERE);
      } else if (!wait.ok) {
        claim.settle(reasonOf(wait.error), wait.error);
      } else if (stranger !== undefined) {
        claim.settle('error', stranger);
      } else if (count === undefined) {
        claim.settle('reply', new Error(`WAIT answered ${kindOf(wait.value)}, not a number of replicas`));
      } else {
        claim.settle(acknowledged ? true : 'replicas', undefined, `${count} of ${this.#replicas} within ${this.#wait[2]} ms`);
      }
    }
    if (redirected !== undefined) this.#topology.redirected(redirected);
  }
}
