/**
 * What the store sends its object, and how a claim is placed: the SHA-256 of the unambiguous encoding of the scope
 * and nonce, `JSON.stringify([keyId, authdate, nonce])` (JSON escapes lone surrogates, so the UTF-8 bytes are
 * one-to-one with the strings), names both the object (its first four bytes modulo the shard count) and the entry
 * (all 32 bytes in hex). The object never sees a key id or a nonce.
 */

/** The path the store posts a claim to, on its object. */
export const CLAIM_PATH = 'https://nonce-object/claim';

/** A claim as the object receives it: the entry's hash, the deadline and the verifier's clock (ms). */
export interface WireClaim {
  readonly k: string;
  readonly e: number;
  readonly n: number;
}

/** The object's answers: the body of a 200. */
export const CLAIMED = 'claimed';
export const SEEN = 'seen';

const HEX = /^[0-9a-f]{64}$/;

/** The claim in a request body, or `undefined` when it is not one. */
export function readWireClaim(text: string): WireClaim | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { k, e, n } = v as Record<string, unknown>;
  if (typeof k !== 'string' || !HEX.test(k)) return undefined;
  if (typeof e !== 'number' || !Number.isFinite(e) || typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return { k, e, n };
}

/** The entry's hash and the shard it lives in. */
export async function placeOf(parts: readonly string[], shards: number): Promise<{ readonly hash: string; readonly shard: number }> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(parts))));
  let hash = '';
  for (const b of digest) hash += b.toString(16).padStart(2, '0');
  const word = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  return { hash, shard: word % shards };
}

/** Storage keys: the entry (`n:<hash>` -> deadline), and its place in the expiry index (`e:<deadline>:<hash>`). */
export const entryKey = (hash: string): string => `n:${hash}`;
/** Deadlines are whole milliseconds from 0, 16 digits, so that the index sorts by time. */
export const indexTime = (ms: number): string => String(Math.min(Math.max(0, Math.floor(ms)), Number.MAX_SAFE_INTEGER)).padStart(16, '0');
export const indexKey = (removeAt: number, hash: string): string => `e:${indexTime(removeAt)}:${hash}`;
export const INDEX_PREFIX = 'e:';
