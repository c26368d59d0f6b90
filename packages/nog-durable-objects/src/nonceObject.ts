import { CLAIMED, CLAIM_PATH, entryKey, INDEX_PREFIX, indexKey, indexTime, readWireClaim, SEEN } from './internal/wire.js';

/** A stored entry: its deadline (by the verifier's clock) and when it may go (by the object's); undefined for none. */
function entryOf(value: unknown): { readonly deadline: number; readonly removeAt: number } | undefined {
  return Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number'
    ? { deadline: value[0], removeAt: value[1] }
    : undefined;
}
import type { NonceObjectState, NonceObjectStorage } from './types.js';

/** How many expired entries one alarm run removes before it schedules the next run (at once). */
const SWEEP_BATCH = 500;

/**
 * The Durable Object that holds one shard's nonces. Export it from your worker and bind a namespace to it (see the
 * README); {@link DurableObjectNonceStore} sends it the claims.
 *
 * A claim is one storage transaction: read the entry, and write it (with its place in the expiry index) only when
 * it is absent or its deadline has passed by the verifier's clock. The answer leaves the object only once the write
 * is durable (the runtime's output gate), so an object that is evicted, restarted or moved keeps every nonce it
 * accepted. An alarm removes an entry once its lifetime by the verifier's clock (deadline - now, from the claim)
 * plus {@link NogNonceObject.graceMs} has passed on the object's clock, counted from the claim: how far apart the
 * two clocks are does not matter. The claim itself never reads a clock of its own.
 */
export class NogNonceObject {
  /**
   * How long after its deadline (by the object's clock) an entry is kept before the alarm removes it: 60 s by
   * default, a margin for a verifier whose clock lags the object's. A subclass may set another value.
   */
  static graceMs = 60_000;

  readonly #storage: NonceObjectStorage;
  /** The alarm as last read or set: `undefined` until read, `null` for none. */
  #alarmAt: number | null | undefined;

  constructor(state: NonceObjectState, _env?: unknown) {
    this.#storage = state.storage;
  }

  get #grace(): number {
    const g = (this.constructor as typeof NogNonceObject).graceMs;
    return typeof g === 'number' && Number.isFinite(g) && g >= 0 ? g : 60_000;
  }

  /** Answers the store's `POST /claim`: `claimed` or `seen` (200), 400 for a body that is not a claim. */
  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST' || request.url !== CLAIM_PATH) return new Response('not found', { status: 404 });
    const claim = readWireClaim(await request.text());
    if (claim === undefined) return new Response('bad claim', { status: 400 });
    const { k, e, n } = claim;
    // When the entry may go, by the object's clock: its lifetime by the verifier's clock (deadline - now), counted
    // from now on the object's, plus the grace. A lifetime, not the deadline itself: the verifier's clock and the
    // object's may be any distance apart (a claim dated 1973 is judged by 1973), and the entry outlives the nonce
    // by the grace whatever that distance.
    const removeAt = Date.now() + Math.max(0, e - n) + this.#grace;
    let claimed: boolean;
    try {
      claimed = await this.#storage.transaction(async (txn) => {
        const key = entryKey(k);
        const previous = entryOf(await txn.get(key));
        // Live through its deadline, by the verifier's clock: a replay.
        if (previous !== undefined && previous.deadline >= n) return false;
        if (previous !== undefined) await txn.delete(indexKey(previous.removeAt, k));
        await txn.put({ [key]: [e, removeAt], [indexKey(removeAt, k)]: 1 });
        if (this.#alarmAt === undefined) this.#alarmAt = await txn.getAlarm();
        if (this.#alarmAt === null || removeAt < this.#alarmAt) {
          await txn.setAlarm(removeAt);
          this.#alarmAt = removeAt;
        }
        return true;
      });
    } catch (err) {
      // The transaction rolled back: what the alarm is now is unknown.
      this.#alarmAt = undefined;
      throw err;
    }
    return new Response(claimed ? CLAIMED : SEEN);
  }

  /** Removes the entries whose time to go (lifetime plus grace, by the object's clock) has come, then sets the next alarm. */
  async alarm(): Promise<void> {
    this.#alarmAt = undefined;
    const cutoff = Date.now();
    const expired = await this.#storage.list({ start: INDEX_PREFIX, end: `${INDEX_PREFIX}${indexTime(cutoff + 1)}`, limit: SWEEP_BATCH });
    for (const index of expired.keys()) {
      // e:<16 digits>:<hash>
      const removeAt = Number(index.slice(2, 18));
      const hash = index.slice(19);
      await this.#storage.transaction(async (txn) => {
        const key = entryKey(hash);
        const current = entryOf(await txn.get(key));
        // Claimed again since (a new time to go): only the old index entry goes.
        if (current !== undefined && indexTime(current.removeAt) === indexTime(removeAt)) await txn.delete(key);
        await txn.delete(index);
      });
    }
    if (expired.size >= SWEEP_BATCH) {
      const now = Date.now();
      await this.#storage.setAlarm(now);
      this.#alarmAt = now;
      return;
    }
    const next = await this.#storage.list({ prefix: INDEX_PREFIX, limit: 1 });
    for (const index of next.keys()) {
      const at = Number(index.slice(2, 18));
      await this.#storage.setAlarm(at);
      this.#alarmAt = at;
      return;
    }
    // None left (a claim may have set one meanwhile: read it again when needed).
    this.#alarmAt = undefined;
  }
}
