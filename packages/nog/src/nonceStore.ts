import { NogError } from './errors.js';

/** One nonce to claim: scoped by key id and authdate, kept until `expiresAt`. */
export interface NonceClaim {
  readonly keyId: string;
  /** The authdate exactly as sent (`YYYY-MM-DDTHHMMSSZ`). */
  readonly authdate: string;
  readonly nonce: string;
  /** Milliseconds since the epoch after which the signature can no longer be valid, clock skew included. */
  readonly expiresAt: number;
}

/**
 * Where a verifier remembers the nonces it has seen. `claim` is an atomic claim-if-absent: true when the
 * (keyId, authdate, nonce) triple is new (and is now remembered until `expiresAt`), false when it was seen before.
 * It throws or rejects when the store cannot answer; the verifier then fails closed with `ERR_AUTH_NONCE_STORE`.
 * Key ids are attacker-controlled strings: a store must scope the triple unambiguously (no naive `:` joining).
 */
export interface NonceStore {
  claim(claim: NonceClaim): boolean | Promise<boolean>;
}

export interface MemoryNonceStoreOptions {
  /** The most nonces kept at once (default 1,000,000, about 110 MB when full). When full, claims are refused. */
  readonly maxEntries?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). Give the verifier's clock. */
  readonly now?: () => number;
}

/** The default capacity of a {@link MemoryNonceStore}. */
export const DEFAULT_MAX_NONCES = 1_000_000;

/**
 * A nonce store in this process's memory, bounded by `maxEntries`. Entries are dropped once their signature can
 * no longer be valid (grouped by the second they expire, oldest first); when it is still full, a claim of a new
 * nonce throws (`ERR_AUTH_NONCE_STORE`): it refuses rather than forgets, so it never accepts a replay and never
 * grows without bound. For several processes use a shared store (e.g. @reqsign/nog-redis).
 */
export class MemoryNonceStore implements NonceStore {
  readonly maxEntries: number;
  readonly #now: () => number;
  readonly #seen = new Set<string>();
  /** Expiry second -> the entries that expire in it. */
  readonly #buckets = new Map<number, string[]>();
  /** A min-heap of the expiry seconds in #buckets. */
  readonly #heap: number[] = [];
  /** The bucket used last: consecutive claims mostly expire in the same second. */
  #lastSecond = Number.NaN;
  #lastBucket: string[] | undefined;

  constructor(options?: MemoryNonceStoreOptions) {
    const maxEntries = options?.maxEntries ?? DEFAULT_MAX_NONCES;
    if (typeof maxEntries !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', 'maxEntries must be a number');
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new NogError('ERR_OPTION_RANGE', 'maxEntries must be a whole number, 1 or more');
    }
    const now = options?.now ?? Date.now;
    if (typeof now !== 'function') throw new NogError('ERR_INVALID_ARGUMENT', 'now must be a function');
    this.maxEntries = maxEntries;
    this.#now = now;
  }

  /** How many nonces are remembered now (expired ones may linger until the next claim). */
  get size(): number {
    return this.#seen.size;
  }

  claim(claim: NonceClaim): boolean {
    const { keyId, authdate, nonce, expiresAt } = claim;
    if (typeof keyId !== 'string' || typeof authdate !== 'string' || typeof nonce !== 'string') {
      throw new NogError('ERR_INVALID_ARGUMENT', 'claim.keyId, claim.authdate and claim.nonce must be strings');
    }
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
      throw new NogError('ERR_INVALID_ARGUMENT', 'claim.expiresAt must be a number');
    }
    this.#expire(this.#now());
    // Length-prefixed, so that no two triples share an id; join() gives a flat string (no rope kept alive).
    const id = [keyId.length, ':', keyId, authdate.length, ':', authdate, nonce].join('');
    const seen = this.#seen;
    const size = seen.size;
    if (size >= this.maxEntries) {
      if (seen.has(id)) return false;
      throw new NogError('ERR_AUTH_NONCE_STORE', 'The nonce store is full');
    }
    // One hash lookup: add, and see whether it was there.
    seen.add(id);
    if (seen.size === size) return false;
    const second = Math.ceil(expiresAt / 1000);
    if (second === this.#lastSecond) this.#lastBucket!.push(id);
    else {
      let bucket = this.#buckets.get(second);
      if (bucket === undefined) {
        bucket = [];
        this.#buckets.set(second, bucket);
        this.#push(second);
      }
      bucket.push(id);
      this.#lastSecond = second;
      this.#lastBucket = bucket;
    }
    return true;
  }

  /** Drops every bucket whose entries have all expired (now > their expiresAt). */
  #expire(now: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]! * 1000 < now) {
      const second = this.#pop();
      for (const id of this.#buckets.get(second)!) this.#seen.delete(id);
      this.#buckets.delete(second);
      if (second === this.#lastSecond) {
        this.#lastSecond = Number.NaN;
        this.#lastBucket = undefined;
      }
    }
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
