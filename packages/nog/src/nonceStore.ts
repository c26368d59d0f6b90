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
  /** The most nonces kept at once (default 1,000,000, about 42 MB when full). When full, claims are refused. */
  readonly maxEntries?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). Give the verifier's clock. */
  readonly now?: () => number;
}

/** The default capacity of a {@link MemoryNonceStore}. */
export const DEFAULT_MAX_NONCES = 1_000_000;

/** The (key id, authdate) pair that scopes nonces, numbered; kept until its last nonce has expired. */
interface Scope {
  readonly id: number;
  readonly keyId: string;
  readonly authdate: string;
  /** The latest expiry second of a nonce claimed in this scope. */
  until: number;
}

// A slot of the table is five 32-bit words: the scope number (0: never used), the nonce in three words, and the
// second after which the entry has expired, counted from the store's base (68 years before its first claim). A nonce of at most 22 lowercase hex digits (every Nog client's) is
// packed into the three words, 4 bits a digit, with its length in the top byte of the third; any other nonce is
// kept as a string beside the table, with its hash and length in the first two words and 0xff as its "length".
const STRIDE = 5;
const PACKED_MAX = 22;
const STRING_NONCE = 0xff;
const MIN_SLOTS = 64;

/** A copy of `s` that does not keep the string it was sliced from (a whole URL) alive. */
const ownCopy = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

/** Hex digit values of the ASCII characters `0-9a-f`; -1 for every other. */
const HEX = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  for (let c = 0; c < 16; c++) t['0123456789abcdef'.charCodeAt(c)] = c;
  return t;
})();

/** The lowercase hex digits s[from..to) (at most 8) as an unsigned number, or -1 when one is not one. */
function hexWord(s: string, from: number, to: number): number {
  let w = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? HEX[c]! : -1;
    if (d === -1) return -1;
    w = (w << 4) | d;
  }
  return w >>> 0;
}

/** 32-bit finalizer (MurmurHash3's fmix32). */
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The table's hash seed, so that nonces chosen to collide in one process do not collide in another. Not a secret
 * that guards anything else: without a usable CSPRNG, Math.random will do.
 */
function randomSeed(): number {
  try {
    return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
  } catch {
    return (Math.random() * 2 ** 32) >>> 0;
  }
}

/**
 * A nonce store in this process's memory, bounded by `maxEntries`. An entry is dropped once its signature can no
 * longer be valid (kept through the second in which it expires); when the store is still full, a claim of a new
 * nonce throws (`ERR_AUTH_NONCE_STORE`): it refuses rather than forgets, so it never accepts a replay and never
 * grows without bound. For several processes use a shared store (e.g. @reqsign/nog-redis).
 *
 * Entries live in an open-addressing table of 32-bit words, hashed with a random per-store seed: no object per entry,
 * so nothing for the garbage collector to trace. 20 bytes a slot, two to four slots a nonce (42 bytes a nonce at one
 * million); a nonce that is not 0-22 lowercase hex digits also keeps a copy of itself as a string. Expired slots are
 * reused, and the table is rebuilt (growing or shrinking) when three quarters of its slots are taken. A clock that
 * steps back finds the expired entries still in the table live again, and counts them.
 */
export class MemoryNonceStore implements NonceStore {
  readonly maxEntries: number;
  readonly #now: () => number;
  readonly #seed = randomSeed();
  #table = new Uint32Array(MIN_SLOTS * STRIDE);
  #mask = MIN_SLOTS - 1;
  /** Slots ever written since the last rebuild (live or expired). */
  #used = 0;
  /** Nonces not yet expired (by the last claim's clock). */
  #live = 0;
  /** The second from which slots count their expiry (a slot holds 0 to 2^32 - 1); set at the first claim. */
  #base = Number.NaN;
  /** The latest expiry second counted out of #live: a clock that steps back before it finds entries live again. */
  #counted = -Infinity;
  /** Slot -> nonce, for the nonces that are not packed. */
  #strings = new Map<number, string>();
  /** Key id -> authdate -> scope. */
  readonly #scopes = new Map<string, Map<string, Scope>>();
  #scopeCount = 0;
  #sweepAt = MIN_SLOTS;
  #nextScope = 1;
  /** The scope used last: consecutive claims mostly share one. */
  #lastScope: Scope | undefined;
  /** Expiry second -> how many live entries expire in it, and a min-heap of those seconds. */
  readonly #counts = new Map<number, number>();
  readonly #heap: number[] = [];

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
    return this.#live;
  }

  claim(claim: NonceClaim): boolean {
    if (typeof claim !== 'object' || claim === null) throw new NogError('ERR_INVALID_ARGUMENT', 'claim must be an object');
    const { keyId, authdate, nonce, expiresAt } = claim;
    if (typeof keyId !== 'string' || typeof authdate !== 'string' || typeof nonce !== 'string') {
      throw new NogError('ERR_INVALID_ARGUMENT', 'claim.keyId, claim.authdate and claim.nonce must be strings');
    }
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
      throw new NogError('ERR_INVALID_ARGUMENT', 'claim.expiresAt must be a number');
    }
    const now = this.#now();
    if (Number.isNaN(this.#base)) this.#base = Math.floor(now / 1000) - 0x80000000;
    this.#expire(now);
    // Room for one more entry first, so that a table that cannot grow refuses the claim instead of half-taking it.
    if (this.#used * 4 >= (this.#mask + 1) * 3) this.#rebuild(now);
    const base = this.#base;
    // The entry is kept through the second in which it expires: never forgotten early.
    const expiry = Math.min(Math.max(Math.ceil(expiresAt / 1000) - base, 0), 0xffffffff);
    const second = base + expiry;
    // A slot whose expiry is below this is expired.
    const liveFrom = Math.ceil(now / 1000) - base;
    let scope = this.#findScope(keyId, authdate, now);
    // A new scope will get the next number, which no live entry has.
    const id = scope === undefined ? this.#nextScope : scope.id;

    // The nonce in three words.
    const n = nonce.length;
    let w0 = n <= PACKED_MAX ? hexWord(nonce, 0, n < 8 ? n : 8) : -1;
    let w1 = n > 8 && w0 !== -1 ? hexWord(nonce, 8, n < 16 ? n : 16) : 0;
    let w2 = n > 16 && w1 !== -1 ? hexWord(nonce, 16, n) : 0;
    const packed = w0 !== -1 && w1 !== -1 && w2 !== -1;
    if (packed) w2 += n * 0x1000000;
    else {
      w0 = this.#seed;
      for (let i = 0; i < n; i++) w0 = Math.imul(w0 ^ nonce.charCodeAt(i), 0x01000193);
      w0 >>>= 0;
      w1 = n;
      w2 = STRING_NONCE * 0x1000000;
    }

    // Linear probing from the hash; the first expired or empty slot is where a new entry goes.
    const t = this.#table;
    const mask = this.#mask;
    let i = this.#hash(id, w0, w1, w2) & mask;
    let free = -1;
    for (;;) {
      const at = i * STRIDE;
      const s = t[at]!;
      if (s === 0) {
        if (free === -1) free = i;
        break;
      }
      if (t[at + 4]! < liveFrom) {
        if (free === -1) free = i;
      } else if (s === id && t[at + 1] === w0 && t[at + 2] === w1 && t[at + 3] === w2 && (packed || this.#strings.get(i) === nonce)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    // Expired slots at the end of the run of taken slots hold no other entry's place: empty them.
    for (let j = (i - 1) & mask; t[j * STRIDE] !== 0 && t[j * STRIDE + 4]! < liveFrom; j = (j - 1) & mask) {
      t[j * STRIDE] = 0;
      this.#used--;
      if (t[j * STRIDE + 3]! >>> 24 === STRING_NONCE) this.#strings.delete(j);
    }
    if (this.#live >= this.maxEntries) throw new NogError('ERR_AUTH_NONCE_STORE', 'The nonce store is full');
    if (scope === undefined) scope = this.#addScope(keyId, authdate, second);
    else if (second > scope.until) scope.until = second;

    const at = free * STRIDE;
    if (t[at] === 0) this.#used++;
    else this.#strings.delete(free);
    t[at] = id;
    t[at + 1] = w0;
    t[at + 2] = w1;
    t[at + 3] = w2;
    t[at + 4] = expiry;
    if (!packed) this.#strings.set(free, ownCopy(nonce));
    this.#countIn(second);
    return true;
  }

  #hash(scope: number, w0: number, w1: number, w2: number): number {
    let h = this.#seed;
    h = Math.imul(h ^ scope, 0x9e3779b1);
    h = Math.imul((h << 13) | (h >>> 19), 5) ^ w0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ w1;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ w2;
    return fmix(h);
  }

  /** The scope of (key id, authdate), when it has one. */
  #findScope(keyId: string, authdate: string, now: number): Scope | undefined {
    const last = this.#lastScope;
    if (last !== undefined && keyId === last.keyId && authdate === last.authdate) return last;
    if (this.#scopeCount >= this.#sweepAt) this.#sweep(now);
    const scope = this.#scopes.get(keyId)?.get(authdate);
    if (scope !== undefined) this.#lastScope = scope;
    return scope;
  }

  #addScope(keyId: string, authdate: string, second: number): Scope {
    let dates = this.#scopes.get(keyId);
    if (dates === undefined) {
      dates = new Map();
      this.#scopes.set(ownCopy(keyId), dates);
    }
    const scope: Scope = { id: this.#nextScope, keyId: ownCopy(keyId), authdate: ownCopy(authdate), until: second };
    // Numbers wrap after 2^32 - 1 scopes, far more than can be live at once; 0 marks an empty slot.
    this.#nextScope = this.#nextScope === 0xffffffff ? 1 : this.#nextScope + 1;
    dates.set(scope.authdate, scope);
    this.#scopeCount++;
    this.#lastScope = scope;
    return scope;
  }

  /** Forgets the scopes whose entries have all expired; runs when their number has doubled since the last sweep. */
  #sweep(now: number): void {
    for (const [keyId, dates] of this.#scopes) {
      for (const [authdate, scope] of dates) {
        if (scope.until * 1000 < now) {
          dates.delete(authdate);
          this.#scopeCount--;
        }
      }
      if (dates.size === 0) this.#scopes.delete(keyId);
    }
    this.#sweepAt = Math.max(MIN_SLOTS, this.#scopeCount * 2);
    this.#lastScope = undefined;
  }

  /** Moves the live entries to a fresh table in which they take at most half of the slots. */
  #rebuild(now: number): void {
    const old = this.#table;
    const oldStrings = this.#strings;
    const liveFrom = Math.ceil(now / 1000) - this.#base;
    let live = 0;
    for (let at = 0; at < old.length; at += STRIDE) if (old[at] !== 0 && old[at + 4]! >= liveFrom) live++;
    let slots = MIN_SLOTS;
    while (slots < live * 2 + 2) slots *= 2;
    let t: Uint32Array<ArrayBuffer>;
    try {
      t = new Uint32Array(slots * STRIDE);
    } catch (cause) {
      throw new NogError('ERR_AUTH_NONCE_STORE', 'The nonce store cannot grow (out of memory)', { cause });
    }
    const mask = slots - 1;
    const strings = new Map<number, string>();
    for (let at = 0; at < old.length; at += STRIDE) {
      const scope = old[at]!;
      const expiry = old[at + 4]!;
      if (scope === 0 || expiry < liveFrom) continue;
      const w0 = old[at + 1]!;
      const w1 = old[at + 2]!;
      const w2 = old[at + 3]!;
      let i = this.#hash(scope, w0, w1, w2) & mask;
      while (t[i * STRIDE] !== 0) i = (i + 1) & mask;
      const to = i * STRIDE;
      t[to] = scope;
      t[to + 1] = w0;
      t[to + 2] = w1;
      t[to + 3] = w2;
      t[to + 4] = expiry;
      if (w2 >>> 24 === STRING_NONCE) strings.set(i, oldStrings.get(at / STRIDE)!);
    }
    this.#table = t;
    this.#mask = mask;
    this.#used = live;
    this.#strings = strings;
  }

  /** Counts out the seconds whose entries have all expired (now > their second). */
  #expire(now: number): void {
    // The clock stepped back before a second already counted out: its entries, still in the table, are live again.
    if (now <= this.#counted * 1000) this.#recount(now);
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]! * 1000 < now) {
      const second = this.#pop();
      this.#live -= this.#counts.get(second)!;
      this.#counts.delete(second);
      if (second > this.#counted) this.#counted = second;
    }
  }

  /** Counts the live entries again from the table: after the clock stepped back. */
  #recount(now: number): void {
    const t = this.#table;
    const base = this.#base;
    const liveFrom = Math.ceil(now / 1000) - base;
    this.#counts.clear();
    this.#heap.length = 0;
    this.#live = 0;
    for (let at = 0; at < t.length; at += STRIDE) {
      if (t[at] === 0 || t[at + 4]! < liveFrom) continue;
      this.#countIn(base + t[at + 4]!);
    }
    this.#counted = liveFrom + base - 1;
  }

  /** Counts one more live entry that expires in `second`. */
  #countIn(second: number): void {
    this.#live++;
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
