import { isOk, type PendingClaim, reasonOf } from './claims.js';
import { isRedirect, type Route, type Settled, type Topology } from './topology.js';

/**
 * Claims that count only once `replicas` replicas have them: per connection to a primary (a {@link Route}), a batch
 * of `SET NX`s and one `WAIT replicas timeoutMs` after them on the same connection. `WAIT` answers how many replicas
 * acknowledged every write the connection made before it, so one `WAIT` covers the whole batch.
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
    const list = this.#waiting.get(route);
    if (list === undefined) this.#waiting.set(route, [claim]);
    else list.push(claim);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  #send(route: Route): void {
    const queued = this.#waiting.get(route)!;
    this.#waiting.delete(route);
    // Claims that timed out while waiting are not sent at all.
    const batch = queued.filter((claim) => claim.send());
    if (batch.length === 0) return;
    this.#busy.add(route);
    const commands = batch.map((claim) => claim.args);
    commands.push(this.#wait);
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
    const wait = replies[batch.length]!;
    const acknowledged = wait.ok && Number(wait.value) >= this.#replicas;
    let redirected: string | undefined;
    for (let i = 0; i < batch.length; i++) {
      const claim = batch[i]!;
      const reply = replies[i]!;
      claim.done();
      if (!reply.ok) {
        if (isRedirect(reply.error)) redirected = claim.args[1];
        claim.settle(reasonOf(reply.error), reply.error);
      } else if (reply.value === null) {
        claim.settle(false);
      } else if (!isOk(reply.value)) {
        claim.settle('reply');
      } else if (!wait.ok) {
        claim.settle(reasonOf(wait.error), wait.error);
      } else {
        claim.settle(acknowledged ? true : 'replicas');
      }
    }
    if (redirected !== undefined) this.#topology.redirected(redirected);
  }
}
