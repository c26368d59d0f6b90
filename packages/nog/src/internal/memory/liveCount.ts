/**
 * How many entries of the table are live, kept exactly without scanning it. Each entry is counted under the second
 * after which it has expired: live seconds in a min-heap, counted out as the clock passes them; counted-out seconds
 * (their entries still in the table until a slot is reused or the table rebuilt) in a max-heap, so that a clock
 * that steps back (an NTP correction, or two verifiers with different clocks sharing one store) counts them in
 * again at the cost of the seconds it crosses, never of a scan of the table.
 */
export class LiveCount {
  /** Entries not yet expired (by the last clock seen). */
  live = 0;
  /** Live second -> entries, and a min-heap of those seconds. */
  readonly #live = new Map<number, number>();
  readonly #liveHeap: number[] = [];
  /** Counted-out second -> entries still in the table, and a max-heap of those seconds (stale tops are skipped). */
  readonly #gone = new Map<number, number>();
  readonly #goneHeap: number[] = [];
  /** The clock of the last {@link at}. */
  #now = Number.NEGATIVE_INFINITY;
  /**
   * The clocks between which {@link at} has nothing to count: from the last counted-out second's end (exclusive) to
   * the earliest live second's end (inclusive), in ms. Kept as two numbers so that a claim whose clock is inside (nearly
   * every one) reads no heap.
   */
  #quietFrom = Number.NEGATIVE_INFINITY;
  #quietTo = Number.NEGATIVE_INFINITY;
  /** The live second that the last {@link add} counted into, and how many entries it has that `#live` does not show yet. */
  #addSecond = Number.NaN;
  #addPending = 0;

  /** Brings the counts to the clock `now` (ms): seconds it has passed are counted out, seconds it is back before count again. */
  at(now: number): void {
    this.#now = now;
    if (now > this.#quietFrom && now <= this.#quietTo) return;
    this.#flush();
    const lh = this.#liveHeap;
    while (lh.length > 0 && lh[0]! * 1000 < now) {
      const second = pop(lh, less);
      const n = this.#live.get(second)!;
      this.#live.delete(second);
      this.live -= n;
      this.#addGone(second, n);
    }
    const gh = this.#goneHeap;
    while (gh.length > 0 && gh[0]! * 1000 >= now) {
      const second = pop(gh, more);
      const n = this.#gone.get(second);
      if (n === undefined) continue;
      this.#gone.delete(second);
      this.#addLive(second, n);
    }
    this.#quiet();
  }

  /** Sets the clocks between which {@link at} has nothing to do. */
  #quiet(): void {
    const lh = this.#liveHeap;
    const gh = this.#goneHeap;
    this.#quietTo = lh.length > 0 ? lh[0]! * 1000 : Number.POSITIVE_INFINITY;
    this.#quietFrom = gh.length > 0 ? gh[0]! * 1000 : Number.NEGATIVE_INFINITY;
  }

  /** Counts one more entry that expires in `second` (already counted out if that second has passed). */
  add(second: number): void {
    if (second === this.#addSecond) {
      // The same live second as the last claim's (consecutive claims mostly share their deadline's second): counted
      // in `#live` at the next flush.
      this.live++;
      this.#addPending++;
      return;
    }
    this.#flush();
    if (second * 1000 >= this.#now) {
      this.#addLive(second, 1);
      this.#addSecond = second;
    } else this.#addGone(second, 1);
    this.#quiet();
  }

  /** Writes the pending count of the last live second into `#live`, and forgets that second. */
  #flush(): void {
    if (this.#addPending > 0) this.#live.set(this.#addSecond, this.#live.get(this.#addSecond)! + this.#addPending);
    this.#addPending = 0;
    this.#addSecond = Number.NaN;
  }

  /** An expired entry of `second` left the table (its slot was emptied or reused). */
  removeGone(second: number): void {
    const n = this.#gone.get(second);
    if (n === undefined) return;
    if (n === 1) this.#gone.delete(second);
    else this.#gone.set(second, n - 1);
  }

  /** Every expired entry left the table (a rebuild keeps only live ones). */
  clearGone(): void {
    this.#gone.clear();
    this.#goneHeap.length = 0;
    this.#quiet();
  }

  #addGone(second: number, n: number): void {
    const before = this.#gone.get(second);
    if (before === undefined) push(this.#goneHeap, second, more);
    this.#gone.set(second, (before ?? 0) + n);
  }

  #addLive(second: number, n: number): void {
    this.live += n;
    const before = this.#live.get(second);
    if (before === undefined) push(this.#liveHeap, second, less);
    this.#live.set(second, (before ?? 0) + n);
  }
}

const less = (a: number, b: number): boolean => a < b;
const more = (a: number, b: number): boolean => a > b;

function push(heap: number[], value: number, before: (a: number, b: number) => boolean): void {
  let i = heap.push(value) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(value, heap[parent]!)) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function pop(heap: number[], before: (a: number, b: number) => boolean): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, last)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}
