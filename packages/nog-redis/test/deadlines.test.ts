import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, type Expiring } from '../src/internal/deadlines.js';

/** An item that records when it expired; `settle()` takes it out of the race. */
class Item implements Expiring {
  at = 0;
  settled = false;
  expiredAt: number | undefined;
  constructor(readonly onExpire?: () => void) {}
  expire(): void {
    this.settled = true;
    this.expiredAt = performance.now();
    this.onExpire?.();
  }
}

describe('Deadlines: one timer for every claim of a store', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('arms one timer for ten thousand items added together, and expires all that have not settled, on time', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const deadlines = new Deadlines(100, performance);
    const items = Array.from({ length: 10_000 }, () => new Item());
    for (const item of items) deadlines.add(item);
    expect(spy).toHaveBeenCalledTimes(1);
    for (const item of items.slice(0, 5000)) item.settled = true;
    vi.advanceTimersByTime(99);
    expect(items.filter((i) => i.expiredAt !== undefined)).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(items.filter((i) => i.expiredAt !== undefined)).toHaveLength(5000);
    for (const item of items.slice(5000)) expect(item.expiredAt).toBe(100);
    expect(deadlines.size).toBe(0);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('re-arms for the next deadline only when the timer fires, at most once a millisecond', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const deadlines = new Deadlines(100, performance);
    const items: Item[] = [];
    // One item every 0.1 ms for 50 ms: 500 deadlines between 100 and 150 ms.
    for (let t = 0; t < 500; t++) {
      const item = new Item();
      deadlines.add(item);
      items.push(item);
      vi.advanceTimersByTime(0.1);
    }
    vi.advanceTimersByTime(200);
    for (const item of items) {
      expect(item.expiredAt! - item.at).toBeGreaterThanOrEqual(0);
      expect(item.expiredAt! - item.at).toBeLessThanOrEqual(1);
    }
    expect(spy.mock.calls.length).toBeLessThanOrEqual(52);
  });

  it('drops settled items from the head of the queue, so a queue of answered claims stays empty', () => {
    const deadlines = new Deadlines(100, performance);
    for (let i = 0; i < 10_000; i++) {
      const item = new Item();
      deadlines.add(item);
      item.settled = true;
      deadlines.trim();
    }
    expect(deadlines.size).toBe(0);
  });

  it('lets an expiring item add another (a hook that claims again) without losing either', () => {
    const deadlines = new Deadlines(10, performance);
    const second = new Item();
    const first = new Item(() => deadlines.add(second));
    deadlines.add(first);
    vi.advanceTimersByTime(10);
    expect(first.expiredAt).toBe(10);
    vi.advanceTimersByTime(10);
    expect(second.expiredAt).toBe(20);
  });

  it('expires an item exactly when it has not settled by its deadline (property, against a model)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 20 }), settleAfter: fc.option(fc.integer({ min: 0, max: 80 })) }), {
          maxLength: 60,
        }),
        (ms, plan) => {
          vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
          const deadlines = new Deadlines(ms, performance);
          const items = plan.map(() => new Item());
          // A timeline in whole milliseconds: item i is added at addAt[i] and, maybe, settled at settleAt.get(item).
          const start = performance.now();
          const addAt: number[] = [];
          const settleAt = new Map<Item, number>();
          let t = 0;
          plan.forEach((step, i) => {
            t += step.gap;
            addAt.push(t);
            if (step.settleAfter !== null) settleAt.set(items[i]!, t + step.settleAfter);
          });
          for (let tick = 0; tick <= t + 200; tick++) {
            items.forEach((item, i) => {
              if (addAt[i] === tick) deadlines.add(item);
              if (settleAt.get(item) === tick && !item.settled) {
                item.settled = true;
                deadlines.trim();
              }
            });
            vi.advanceTimersByTime(1);
          }
          expect(performance.now() - start).toBe(t + 201);
          items.forEach((item) => {
            const settle = settleAt.get(item);
            // A settlement at the deadline itself races the timer; before it always wins, after it always loses.
            if (settle !== undefined && settle < item.at) expect(item.expiredAt).toBeUndefined();
            else if (settle === undefined || settle > item.at + 1) {
              expect(item.expiredAt).toBeGreaterThanOrEqual(item.at);
              expect(item.expiredAt).toBeLessThanOrEqual(item.at + 1);
            }
          });
          vi.useRealTimers();
        },
      ),
      { numRuns: 300 },
    );
  });
});
