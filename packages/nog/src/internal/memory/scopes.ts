import { ownCopy } from './words.js';

/** The (key id, authdate) pair that scopes nonces, numbered; kept until its last nonce has expired. */
export interface Scope {
  readonly id: number;
  readonly keyId: string;
  readonly authdate: string;
  /** The latest expiry second of a nonce claimed in this scope. */
  until: number;
}

const MIN_SWEEP = 64;

/**
 * Numbers for (key id, authdate) pairs, so that a table slot holds a scope as one 32-bit word. Scopes whose nonces
 * have all expired are swept when their number has doubled since the last sweep. Numbers wrap after 2^32 - 1
 * scopes, far more than can be live at once; 0 marks an empty slot.
 */
export class Scopes {
  /** Key id -> authdate -> scope. */
  readonly #byKey = new Map<string, Map<string, Scope>>();
  #count = 0;
  #sweepAt = MIN_SWEEP;
  #next = 1;
  /** The scope used last: consecutive claims mostly share one. */
  #last: Scope | undefined;

  /** The number a new scope would get, which no live entry has. */
  get next(): number {
    return this.#next;
  }

  /** The scope of (key id, authdate), when it has one. */
  find(keyId: string, authdate: string, now: number): Scope | undefined {
    const last = this.#last;
    if (last !== undefined && keyId === last.keyId && authdate === last.authdate) return last;
    if (this.#count >= this.#sweepAt) this.#sweep(now);
    const scope = this.#byKey.get(keyId)?.get(authdate);
    if (scope !== undefined) this.#last = scope;
    return scope;
  }

  add(keyId: string, authdate: string, second: number): Scope {
    let dates = this.#byKey.get(keyId);
    if (dates === undefined) {
      dates = new Map();
      this.#byKey.set(ownCopy(keyId), dates);
    }
    const scope: Scope = { id: this.#next, keyId: ownCopy(keyId), authdate: ownCopy(authdate), until: second };
    this.#next = this.#next === 0xffffffff ? 1 : this.#next + 1;
    dates.set(scope.authdate, scope);
    this.#count++;
    this.#last = scope;
    return scope;
  }

  #sweep(now: number): void {
    for (const [keyId, dates] of this.#byKey) {
      for (const [authdate, scope] of dates) {
        if (scope.until * 1000 < now) {
          dates.delete(authdate);
          this.#count--;
        }
      }
      if (dates.size === 0) this.#byKey.delete(keyId);
    }
    this.#sweepAt = Math.max(MIN_SWEEP, this.#count * 2);
    this.#last = undefined;
  }
}
