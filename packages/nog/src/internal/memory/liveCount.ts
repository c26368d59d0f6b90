/**
 * How many entries are live, kept without scanning the table: how many expire in each second, and a min-heap of
 * those seconds, counted out as the clock passes them. A clock that steps back before a second already counted out
 * makes the owner recount from its table ({@link LiveCount.needsRecount}).
 */
export class LiveCount {
  /** Entries not yet expired (by the last clock seen). */
  live = 0;
  /** The latest expiry second counted out: a clock that steps back to it or before finds entries live again. */
  #counted = -Infinity;
  readonly #counts = new Map<number, number>();
  readonly #heap: number[] = [];

  /** Whether the clock (`now`, ms) stepped back before a second already counted out. */
  needsRecount(now: number): boolean {
    return now <= this.#counted * 1000;
  }

  /** Counts out the seconds whose entries have all expired (now > their second). */
  expire(now: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]! * 1000 < now) {
      const second = this.#pop();
      this.live -= this.#counts.get(second)!;
      this.#counts.delete(second);
      if (second > this.#counted) this.#counted = second;
    }
  }

  /** Forgets every count, before a recount; `liveFrom` is the first second that is still live. */
  reset(liveFrom: number): void {
    this.#counts.clear();
    this.#heap.length = 0;
    this.live = 0;
    this.#counted = liveFrom - 1;
  }

  /** Counts one more live entry that expires in `second`. */
  add(second: number): void {
    this.live++;
    const count = this.#counts.get(second);
    if (count === undefined) {
      this.#counts.set(second, 1);
      this.#push(second);
    } else this.#counts.set(second, count + 1);
  }

  #push(value: number): void {
    const heap = this.#heap;
    let i = heap.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= value) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = value;
  }

  #pop(): number {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && heap[r]! < heap[l]! ? r : l;
        if (heap[c]! >= last) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
