import { assertKnownOptions } from '@reqsign/canonical';
import { type NonceClaim, NogError, type NonceStore, NonceStoreError } from '@reqsign/nog';
import { CLAIMED, CLAIM_PATH, placeOf, SEEN } from './internal/wire.js';
import type { NonceObjectNamespace, NonceObjectStub } from './types.js';

/** How many objects share the nonces by default: 32. */
export const DEFAULT_SHARDS = 32;
/** How long a claim waits for its object by default: 5 s, then it fails closed (`ERR_NONCE_STORE_TIMEOUT`). */
export const DEFAULT_CLAIM_TIMEOUT_MS = 5_000;

export interface DurableObjectNonceStoreOptions {
  /** The namespace bound to {@link NogNonceObject} (`env.NOG_NONCES`). */
  readonly namespace: NonceObjectNamespace;
  /**
   * How many objects the nonces are spread over (default {@link DEFAULT_SHARDS}), 1 to 65,536. A nonce's object is
   * the SHA-256 of its key id, authdate and nonce modulo this: every verifier of a fleet must use the same value,
   * and changing it moves nonces to other objects (see the README).
   */
  readonly shards?: number | undefined;
  /** The objects' names are `prefix + shard number` (default `nog-nonces-`): two stores with two prefixes share nothing. */
  readonly prefix?: string | undefined;
  /** **Milliseconds** a claim waits for its object (default {@link DEFAULT_CLAIM_TIMEOUT_MS}, at most 2^31 - 1). */
  readonly timeoutMs?: number | undefined;
}

/** The nonce store contract's claim (@reqsign/canonical's `ScopedNonceClaim`), by shape. */
export interface ScopedClaim {
  readonly scope: readonly string[];
  readonly nonce: string;
  readonly deadline: number;
  readonly now: number;
}

const optionError = (code: 'ERR_INVALID_ARGUMENT' | 'ERR_OPTION_RANGE', message: string): NogError => new NogError(code, message);

/**
 * A nonce store on Cloudflare Durable Objects: every verifier of a fleet (any isolate, any location) claims a
 * nonce in the same object, chosen by a hash of the nonce's scope, so a replay is refused wherever it lands. A
 * claim is one storage transaction in that object; a claim that cannot reach its object, or gets no answer within
 * `timeoutMs`, or an answer it does not understand, throws a {@link NonceStoreError}, and the verifier refuses the
 * request with 503 (`ERR_AUTH_NONCE_STORE`).
 */
export class DurableObjectNonceStore implements NonceStore {
  readonly shards: number;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly #namespace: NonceObjectNamespace;

  constructor(options: DurableObjectNonceStoreOptions) {
    if (typeof options !== 'object' || options === null) throw optionError('ERR_INVALID_ARGUMENT', 'options must be an object');
    assertKnownOptions(options, ['namespace', 'shards', 'prefix', 'timeoutMs'], 'DurableObjectNonceStore', NogError);
    const { namespace, shards = DEFAULT_SHARDS, prefix = 'nog-nonces-', timeoutMs = DEFAULT_CLAIM_TIMEOUT_MS } = options;
    if (
      typeof namespace !== 'object' ||
      namespace === null ||
      typeof namespace.idFromName !== 'function' ||
      typeof namespace.get !== 'function'
    ) {
      throw optionError('ERR_INVALID_ARGUMENT', 'namespace must be a Durable Object namespace binding');
    }
    if (typeof shards !== 'number') throw optionError('ERR_INVALID_ARGUMENT', 'shards must be a number');
    if (!Number.isInteger(shards) || shards < 1 || shards > 65_536) {
      throw optionError('ERR_OPTION_RANGE', 'shards must be a whole number from 1 to 65536');
    }
    if (typeof prefix !== 'string') throw optionError('ERR_INVALID_ARGUMENT', 'prefix must be a string');
    if (typeof timeoutMs !== 'number') throw optionError('ERR_INVALID_ARGUMENT', 'timeoutMs must be a number');
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
      throw optionError('ERR_OPTION_RANGE', 'timeoutMs must be a number of milliseconds above 0 and at most 2147483647');
    }
    this.shards = shards;
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    this.#namespace = namespace;
  }

  /** The object's name for a shard (`prefix + shard`). */
  objectName(shard: number): string {
    return `${this.prefix}${shard}`;
  }

  /**
   * A new stub for every claim: a stub belongs to the request that made it, and the runtime refuses its use from
   * another one ("Cannot perform I/O on behalf of a different request"), while the store lives as long as the
   * isolate and serves every request.
   */
  #stub(shard: number): NonceObjectStub {
    return this.#namespace.get(this.#namespace.idFromName(this.objectName(shard)));
  }

  /**
   * Claims a nonce: nog's claim (`keyId`, `authdate`, `nonce`, `expiresAt`, `now`) or the nonce store contract's for
   * any scheme (`scope`, `nonce`, `deadline`, `now`, as @reqsign/canonical's `ScopedNonceClaim`). A nog claim is the
   * scope `[keyId, authdate]` with the deadline `expiresAt`: both forms of one claim are the same entry.
   */
  async claim(claim: NonceClaim | ScopedClaim): Promise<boolean> {
    if (typeof claim !== 'object' || claim === null) throw new NogError('ERR_INVALID_ARGUMENT', 'claim must be an object');
    let parts: string[];
    let expiresAt: unknown;
    if ('scope' in claim) {
      const { scope } = claim;
      if (!Array.isArray(scope) || scope.some((s) => typeof s !== 'string') || typeof claim.nonce !== 'string') {
        throw new NogError('ERR_INVALID_ARGUMENT', 'claim.scope must be an array of strings and claim.nonce a string');
      }
      parts = [...scope, claim.nonce];
      expiresAt = claim.deadline;
    } else {
      const { keyId, authdate, nonce } = claim;
      if (typeof keyId !== 'string' || typeof authdate !== 'string' || typeof nonce !== 'string') {
        throw new NogError('ERR_INVALID_ARGUMENT', 'claim.keyId, claim.authdate and claim.nonce must be strings');
      }
      parts = [keyId, authdate, nonce];
      expiresAt = claim.expiresAt;
    }
    const { now } = claim;
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
      throw new NogError('ERR_INVALID_ARGUMENT', "the claim's deadline (expiresAt) must be a finite number");
    }
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new NogError('ERR_INVALID_ARGUMENT', 'claim.now must be a finite number');
    const { hash, shard } = await placeOf(parts, this.shards);
    const body = JSON.stringify({ k: hash, e: expiresAt, n: now });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new NonceStoreError('ERR_NONCE_STORE_TIMEOUT', 'The nonce object did not answer in time', {
              cause: new Error(`no answer from the nonce object within ${this.timeoutMs} ms (timeoutMs)`),
            }),
          ),
        this.timeoutMs,
      );
    });
    try {
      const answer = await Promise.race([this.#ask(shard, body), timeout]);
      if (answer === CLAIMED) return true;
      if (answer === SEEN) return false;
      throw new NonceStoreError('ERR_NONCE_STORE_REPLY', 'The nonce object gave an answer that is not a claim result', {
        cause: new Error(`the answer was ${answer.length} characters, not ${CLAIMED} or ${SEEN}`),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async #ask(shard: number, body: string): Promise<string> {
    let response: Response;
    let text: string;
    try {
      response = await this.#stub(shard).fetch(CLAIM_PATH, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      text = await response.text();
    } catch (cause) {
      // The object could not be reached, could not start, or failed (its storage, a reset): never a pass.
      throw new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', 'The nonce object cannot be reached', { cause });
    }
    if (response.status !== 200) {
      throw new NonceStoreError('ERR_NONCE_STORE_REPLY', `The nonce object answered HTTP ${response.status}`, {
        cause: new Error(`HTTP ${response.status} from the nonce object: ${text.slice(0, 200)}`),
      });
    }
    return text;
  }
}

/** Builds a {@link DurableObjectNonceStore}. */
export function createDurableObjectNonceStore(options: DurableObjectNonceStoreOptions): DurableObjectNonceStore {
  return new DurableObjectNonceStore(options);
}
