import { assertKnownOptions, assertNonceClaim, type ScopedNonceClaim, type ScopedNonceStore } from '@reqsign/canonical';
import { NogError } from './errors.js';
import { LiveCount } from './internal/memory/liveCount.js';
import { Scopes } from './internal/memory/scopes.js';
import { nonceWords, randomSeeds, slotHash } from './internal/memory/words.js';
import { NonceStoreError, type NonceClaim, type NonceStore } from './nonceStore.js';

export interface MemoryNonceStoreOptions {
  /** The most nonces kept at once (default 8,000,000, about 340 MB when full). When full, claims are refused. */
  readonly maxEntries?: number | undefined;
}

/**
 * The default capacity of a {@link MemoryNonceStore}: 8,000,000 live nonces, at most about 340 MB. A nonce is kept
 * for its signature's lifetime (`authexpires`), so this holds 13,300 nonce-carrying requests a second sustained at
 * `authexpires=600` (the signer's default), 26,600 at 300, 2,200 at 3600 (the longest a verifier accepts with a nonce
 * by default). The table grows as nonces arrive: a store that holds fewer uses less.
 */
export const DEFAULT_MAX_NONCES = 8_000_000;

// A slot of the table is five 32-bit words: the scope number (0: never used), the nonce in three words (see
// internal/memory/words.ts), and the second after which the entry has expired, counted from the store's base (68
// years before its first claim).
const STRIDE = 5;
const MIN_SLOTS = 64;

/**
 * What a MemoryNonceStore says, once per isolate, at its first claim inside a Cloudflare Worker (workerd sets
 * `navigator.userAgent` to exactly `Cloudflare-Workers`, with any compatibility date from 2022-03-21).
 */
export const MEMORY_STORE_IN_WORKER_WARNING =
  '@reqsign/nog: a MemoryNonceStore is claiming nonces in a Cloudflare Worker. It lives in one isolate: a request replayed to another isolate or location is accepted. Use a shared store (@reqsign/nog-durable-objects).';
let workerChecked = false;
function warnInWorker(): void {
  workerChecked = true;
  const agent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent;
  if (agent === 'Cloudflare-Workers') console.warn(MEMORY_STORE_IN_WORKER_WARNING);
}

/**
 * A nonce store in this process's memory, bounded by `maxEntries`. An entry is dropped once its signature can no
 * longer be valid (kept through the second in which it expires), by the clock each claim carries; when the store is
 * still full, a claim of a new nonce throws `ERR_NONCE_STORE_FULL`: it refuses rather than forgets, so it never
 * accepts a replay and never grows without bound. Expiry seconds count from 68 years before the first claim in 32
 * bits: a claim whose clock lies outside those 136 years throws `ERR_NONCE_STORE_UNAVAILABLE`. For several processes use a shared store (e.g. @reqsign/nog-redis).
 * Inside a Cloudflare Worker, where it protects one isolate only, its first claim logs
 * {@link MEMORY_STORE_IN_WORKER_WARNING} with `console.warn` (once per isolate).
 *
 * Entries live in an open-addressing table of 32-bit words, hashed with a random per-store seed: no object per entry,
 * so nothing for the garbage collector to trace: 20 bytes a slot, two to four slots a nonce (about 42 bytes a nonce),
 * whatever the nonce (one that is not 0-22 lowercase hex digits is kept as an 88-bit hash; internal/memory/words.ts).
 * Expired slots are reused, and the table is rebuilt (growing or shrinking, or cleaned in place when it keeps its
 * size) when three quarters of its slots are taken. A clock that steps back finds the expired entries still in the table live again, and counts them in at
 * the cost of the seconds it crosses (internal/memory/liveCount.ts).
 */
export class MemoryNonceStore implements NonceStore, ScopedNonceStore {
  readonly maxEntries: number;
  /** The slot hash's seed and the three seeds of a hashed nonce. */
  readonly #seeds = randomSeeds(4);
  readonly #nonceSeeds = this.#seeds.subarray(1);
  /** The slot hash's seed, as a number. */
  readonly #seed = this.#seeds[0]!;
  #table = new Uint32Array(MIN_SLOTS * STRIDE);
  #mask = MIN_SLOTS - 1;
  /** Slots ever written since the last rebuild (live or expired). */
  #used = 0;
  readonly #live = new LiveCount();
  /** The second from which slots count their expiry (a slot holds 0 to 2^32 - 1); set at the first claim. */
  #base = Number.NaN;
  readonly #scopes = new Scopes();
  /** The words of the nonce being claimed. */
  readonly #words = new Uint32Array(3);

  constructor(options?: MemoryNonceStoreOptions) {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new NogError('ERR_INVALID_ARGUMENT', 'options must be an object');
    }
    if (options !== undefined) assertKnownOptions(options, ['maxEntries'], 'MemoryNonceStore', NogError);
    const maxEntries = options?.maxEntries ?? DEFAULT_MAX_NONCES;
    if (typeof maxEntries !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', 'maxEntries must be a number');
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new NogError('ERR_OPTION_RANGE', 'maxEntries must be a whole number from 1 to 2^53 - 1');
    }
    this.maxEntries = maxEntries;
  }

  /** How many nonces are remembered now (expired ones may linger until the next claim). */
  get size(): number {
    return this.#live.live;
  }

  /**
   * Claims a nonce: nog's claim (`keyId`, `authdate`, `nonce`, `expiresAt`, `now`) or the contract's for any scheme
   * (`scope`, `nonce`, `deadline`, `now`; @reqsign/canonical's `ScopedNonceClaim`). A nog claim is the scope
   * `[keyId, authdate]` with the deadline `expiresAt`: both forms of one claim are the same entry.
   */
  claim(claim: NonceClaim | ScopedNonceClaim): boolean {
    if (typeof claim !== 'object' || claim === null) throw new NogError('ERR_INVALID_ARGUMENT', 'claim must be an object');
    if ('scope' in claim) {
      assertNonceClaim(claim, NogError);
      return this.#claim(claim.scope, '', '', claim.nonce, claim.deadline, claim.now);
    }
    const { keyId, authdate } = claim;
    if (typeof keyId !== 'string' || typeof authdate !== 'string' || typeof claim.nonce !== 'string') {
      throw new NogError('ERR_INVALID_ARGUMENT', 'claim.keyId, claim.authdate and claim.nonce must be strings');
    }
    const expiresAt = claim.expiresAt;
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
      throw new NogError('ERR_INVALID_ARGUMENT', 'claim.expiresAt must be a number');
    }
    if (typeof claim.now !== 'number' || !Number.isFinite(claim.now)) {
      throw new NogError('ERR_INVALID_ARGUMENT', 'claim.now must be a finite number of milliseconds');
    }
    return this.#claim(null, keyId, authdate, claim.nonce, expiresAt, claim.now);
  }

  /** A checked claim: in `scope`, or when it is null in nog's scope of two parts, `keyId` and `authdate`. */
  #claim(scope: readonly string[] | null, keyId: string, authdate: string, nonce: string, expiresAt: number, now: number): boolean {
    if (!workerChecked) warnInWorker();
    if (Number.isNaN(this.#base)) this.#base = Math.floor(now / 1000) - 0x80000000;
    // A slot counts seconds from the base in 32 bits: a clock outside them (more than 68 years from the first claim)
    // would read every entry as expired, and accept a replay. Refused, before anything changes.
    const nowSecond = Math.ceil(now / 1000) - this.#base;
    if (nowSecond < 0 || nowSecond > 0xffffffff) {
      throw new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', 'The clock is outside the range of the nonce store');
    }
    this.#live.at(now);
    // Room for one more entry first, so that a table that cannot grow refuses the claim instead of half-taking it.
    if (this.#used * 4 >= (this.#mask + 1) * 3) this.#rebuild(now);
    const base = this.#base;
    // The entry is kept through the second in which it expires: never forgotten early.
    const expiry = Math.min(Math.max(Math.ceil(expiresAt / 1000) - base, 0), 0xffffffff);
    const second = base + expiry;
    // A slot whose expiry is below this is expired.
    const liveFrom = nowSecond;
    let known = scope === null ? this.#scopes.findPair(keyId, authdate, now) : this.#scopes.find(scope, now);
    const id = known === undefined ? this.#scopes.next : known.id;
    const words = this.#words;
    nonceWords(nonce, this.#nonceSeeds, words);
    const w0 = words[0]!;
    const w1 = words[1]!;
    const w2 = words[2]!;

    // Linear probing from the hash; the first expired or empty slot is where a new entry goes.
    const t = this.#table;
    const mask = this.#mask;
    let i = slotHash(this.#seed, id, w0, w1, w2) & mask;
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
      } else if (s === id && t[at + 1] === w0 && t[at + 2] === w1 && t[at + 3] === w2) {
        return false;
      }
      i = (i + 1) & mask;
    }
    // Expired slots at the end of the run of taken slots hold no other entry's place: empty them.
    for (let j = (i - 1) & mask; t[j * STRIDE] !== 0 && t[j * STRIDE + 4]! < liveFrom; j = (j - 1) & mask) {
      t[j * STRIDE] = 0;
      this.#used--;
      this.#live.removeGone(base + t[j * STRIDE + 4]!);
    }
    if (this.#live.live >= this.maxEntries) throw new NonceStoreError('ERR_NONCE_STORE_FULL', 'The nonce store is full');
    if (known === undefined) known = this.#scopes.add(scope ?? [keyId, authdate], second);
    else if (second > known.until) known.until = second;

    const at = free * STRIDE;
    if (t[at] === 0) this.#used++;
    else this.#live.removeGone(base + t[at + 4]!);
    t[at] = id;
    t[at + 1] = w0;
    t[at + 2] = w1;
    t[at + 3] = w2;
    t[at + 4] = expiry;
    this.#live.add(second);
    return true;
  }

  /** Drops the expired entries; the live ones take at most half of the slots after (a table of another size when not). */
  #rebuild(now: number): void {
    const old = this.#table;
    const liveFrom = Math.ceil(now / 1000) - this.#base;
    let live = 0;
    for (let at = 0; at < old.length; at += STRIDE) if (old[at] !== 0 && old[at + 4]! >= liveFrom) live++;
    let slots = MIN_SLOTS;
    while (slots < live * 2 + 2) slots *= 2;
    let t = this.#table;
    if (slots !== this.#mask + 1) {
      try {
        t = new Uint32Array(slots * STRIDE);
      } catch (cause) {
        throw new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', 'The nonce store cannot grow (out of memory)', { cause });
      }
    }
    this.#move(old, t, liveFrom);
    this.#table = t;
    this.#mask = slots - 1;
    this.#used = live;
    this.#live.clearGone();
  }

  /**
   * Moves the live entries of `from` to the first empty slot from their hash in `to`, and empties `from`. When `to`
   * is `from` (a table that keeps its size: nothing to allocate and zero), the slots are taken in order from one
   * after an empty slot: an entry's new slot is then never after its own (it was reachable from its hash through
   * taken slots, all of which are already in order), and slots in order are never emptied again, so every entry
   * stays reachable.
   */
  #move(from: Uint32Array, to: Uint32Array, liveFrom: number): void {
    const fromMask = from.length / STRIDE - 1;
    const mask = to.length / STRIDE - 1;
    let start = 0;
    if (from === to) while (from[start * STRIDE] !== 0) start++;
    for (let n = 1; n <= fromMask + 1; n++) {
      const at = ((start + n) & fromMask) * STRIDE;
      const scope = from[at]!;
      if (scope === 0) continue;
      from[at] = 0;
      const expiry = from[at + 4]!;
      if (expiry < liveFrom) continue;
      const w0 = from[at + 1]!;
      const w1 = from[at + 2]!;
      const w2 = from[at + 3]!;
      let i = slotHash(this.#seed, scope, w0, w1, w2) & mask;
      while (to[i * STRIDE] !== 0) i = (i + 1) & mask;
      const dest = i * STRIDE;
      to[dest] = scope;
      to[dest + 1] = w0;
      to[dest + 2] = w1;
      to[dest + 3] = w2;
      to[dest + 4] = expiry;
    }
  }
}
