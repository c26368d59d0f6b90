import { nonceStoreKey } from '@reqsign/canonical';
import { ownCopy } from './words.js';

/** A claim's scope (for nog-v1: the key id and the authdate), numbered; kept until its last nonce has expired. */
export interface Scope {
  readonly id: number;
  readonly parts: readonly string[];
  /** The latest expiry second of a nonce claimed in this scope. */
  until: number;
}

const MIN_SWEEP = 64;

const same = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Numbers for scopes, so that a table slot holds a scope as one 32-bit word. Scopes of two parts (nog-v1's key id and
 * authdate) are found by two map lookups, any other by its JSON key. Scopes whose nonces have all expired are swept
 * when their number has doubled since the last sweep. Numbers wrap after 2^32 - 1 scopes, far more than can be live
 * at once; 0 marks an empty slot.
 */
export class Scopes {
  /** First part -> second part -> scope, for the scopes of two parts. */
  readonly #pairs = new Map<string, Map<string, Scope>>();
  /** `nonceStoreKey(parts, '')` -> scope, for the others. */
  readonly #others = new Map<string, Scope>();
  #count = 0;
  #sweepAt = MIN_SWEEP;
  #next = 1;
  /** The scope used last: consecutive claims mostly share one. */
  #last: Scope | undefined;

  /** The number a new scope would get, which no live entry has. */
  get next(): number {
    return this.#next;
  }

  /** The scope of these parts, when it has one. */
  find(parts: readonly string[], now: number): Scope | undefined {
    const last = this.#last;
    if (last !== undefined && same(parts, last.parts)) return last;
    if (this.#count >= this.#sweepAt) this.#sweep(now);
    const scope = parts.length === 2 ? this.#pairs.get(parts[0]!)?.get(parts[1]!) : this.#others.get(nonceStoreKey(parts, ''));
    if (scope !== undefined) this.#last = scope;
    return scope;
  }

  /** The scope of the two parts `[first, second]`, when it has one: {@link find} without an array. */
  findPair(first: string, second: string, now: number): Scope | undefined {
    const last = this.#last;
    if (last !== undefined && last.parts.length === 2 && first === last.parts[0] && second === last.parts[1]) return last;
    if (this.#count >= this.#sweepAt) this.#sweep(now);
    const scope = this.#pairs.get(first)?.get(second);
    if (scope !== undefined) this.#last = scope;
    return scope;
  }

  add(parts: readonly string[], second: number): Scope {
    const scope: Scope = { id: this.#next, parts: parts.map(ownCopy), until: second };
    if (parts.length === 2) {
      let seconds = this.#pairs.get(parts[0]!);
      if (seconds === undefined) {
        seconds = new Map();
        this.#pairs.set(scope.parts[0]!, seconds);
      }
      seconds.set(scope.parts[1]!, scope);
    } else {
      this.#others.set(nonceStoreKey(scope.parts, ''), scope);
    }
    this.#next = this.#next === 0xffffffff ? 1 : this.#next + 1;
    this.#count++;
    this.#last = scope;
    return scope;
  }

  #sweep(now: number): void {
    for (const [first, seconds] of this.#pairs) {
      for (const [second, scope] of seconds) {
        if (scope.until * 1000 < now) {
          seconds.delete(second);
          this.#count--;
        }
      }
      if (seconds.size === 0) this.#pairs.delete(first);
    }
    for (const [key, scope] of this.#others) {
      if (scope.until * 1000 < now) {
        this.#others.delete(key);
        this.#count--;
      }
    }
    this.#sweepAt = Math.max(MIN_SWEEP, this.#count * 2);
    this.#last = undefined;
  }
}
