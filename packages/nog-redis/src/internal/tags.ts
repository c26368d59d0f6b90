/** Random bytes per tag: 9 bytes are exactly 12 base64url characters (72 bits). */
const TAG_BYTES = 9;
/** Characters per tag. */
export const TAG_LENGTH = 12;
/** Tags drawn at once: one `getRandomValues` call (at most 65,536 bytes) and one encoding per this many claims. */
const POOL = 1024;

/**
 * The values a claim's `SET` writes: each claim gets its own tag, 72 random bits from the platform's CSPRNG
 * (`crypto.getRandomValues`) as 12 base64url characters. The store compares the value a `SET ... NX GET` finds with
 * its claim's own tag: equal means the claim's own write, re-sent by the client after it had run; different means
 * another claim's (a replay). A replay's tag equals the stored one with probability 2^-72 per attempt, whichever
 * process or store it reaches. Nothing secret goes into a tag, and nothing can be learnt from one.
 */
export class Tags {
  #pool = '';
  #next = POOL;

  /** A fresh tag: two tags, of this object or of any other, are equal with probability 2^-72. */
  next(): string {
    if (this.#next === POOL) {
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(TAG_BYTES * POOL));
      this.#pool = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
      this.#next = 0;
    }
    const at = this.#next++ * TAG_LENGTH;
    return this.#pool.slice(at, at + TAG_LENGTH);
  }
}

/**
 * A value another claim left in a nonce's key: `1`, which stores before tags wrote (a fleet upgrading one verifier at
 * a time), or a tag (12 to 64 base64url characters: this version's, or a longer one of a later version). Anything
 * else was not written by a nonce store (or the reply is not what it seems, such as an `OK` from a server that ignored
 * `GET`): the claim fails closed, never a replay and never new.
 */
const CLAIMED = /^(?:1|[A-Za-z0-9_-]{12,64})$/;

/** What a `SET key tag NX GET PX ttl` answered, for a claim whose tag is `tag`. */
export type TagReply = 'new' | 'own' | 'replay' | 'unexpected';

/**
 * nil: the key was absent and this `SET` wrote it (new). The claim's own tag: the key was written by this very
 * claim's `SET`, which the client re-sent after it had run (its connection broke before the reply came): new too,
 * but not written by the command that answered. Another claim's value: a replay. RESP2 and RESP3 both answer a bulk
 * string (bytes with some type mappings).
 */
export function readTagReply(reply: unknown, tag: string): TagReply {
  if (reply === null) return 'new';
  let text: string;
  if (typeof reply === 'string') text = reply;
  else if (reply instanceof Uint8Array && reply.length <= 64)
    text = Buffer.from(reply.buffer, reply.byteOffset, reply.length).toString('latin1');
  else return 'unexpected';
  if (text === tag) return 'own';
  return CLAIMED.test(text) ? 'replay' : 'unexpected';
}
