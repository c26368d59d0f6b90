/** A monotonic clock in ms: `performance`, looked up once (on Node the global is a getter). */
export interface Clock {
  now(): number;
}

/** Something that must be over by a deadline. */
export interface Expiring {
  /** When, on the deadlines' monotonic clock, in ms; set by {@link Deadlines.add}. */
  at: number;
  /** Settled already: the deadline no longer matters. */
  readonly settled: boolean;
  /** Called once, when the deadline passed and it has not settled. */
  expire(): void;
}

/**
 * The deadlines of every claim of one store, with one timer for all of them instead of one per claim. Every claim
 * gets the same time limit, so deadlines come in the order the claims were added: a queue, whose head is the next
 * deadline. The timer is armed for the head; when it fires it expires every claim whose deadline has passed and
 * re-arms for the next one, so it fires at most once a millisecond however many claims are in flight. Settled claims
 * leave the queue when they reach its head.
 */
export class Deadlines {
  readonly #ms: number;
  readonly #clock: Clock;
  #queue: Expiring[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Expiring now: a claim settled by its own expiry must not trim the queue under the loop. */
  #expiring = false;
  readonly #fire = (): void => this.#expire();

  constructor(ms: number, clock: Clock = performance) {
    this.#ms = ms;
    this.#clock = clock;
  }

  /** The clock's time now. */
  now(): number {
    return this.#clock.now();
  }

  /** Starts the clock of `item`: it expires `ms` after `now` unless settled before. */
  add(item: Expiring, now: number = this.#clock.now()): void {
    item.at = now + this.#ms;
    this.#queue.push(item);
    if (this.#timer === undefined) this.#arm(this.#ms);
  }

  /** How many items are in the queue (settled ones included until they reach its head). */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  /** Drops settled items from the head of the queue (call after settling one). */
  trim(): void {
    if (this.#expiring) return;
    const q = this.#queue;
    while (this.#head < q.length && q[this.#head]!.settled) this.#head++;
    if (this.#head === q.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > q.length) {
      this.#queue = q.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(ms: number): void {
    // At least 1 ms: expiring every claim due within the next moment at once is what keeps this one timer cheap.
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(ms)));
    // The store never keeps a process alive by itself; the Redis connection does while commands are outstanding.
    this.#timer.unref?.();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const q = this.#queue;
    this.#expiring = true;
    try {
      while (this.#head < q.length) {
        const item = q[this.#head]!;
        if (!item.settled) {
          if (item.at > now) break;
          item.expire();
        }
        this.#head++;
      }
    } finally {
      this.#expiring = false;
    }
    this.trim();
    if (this.#head < this.#queue.length) this.#arm(this.#queue[this.#head]!.at - now);
  }
}
