import * as crypto from 'node:crypto';
import { assertString, boundedCache, CanonicalError } from '@reqsign/canonical';
import { type HmacErrorClass, KEY_CACHE_SIZE, type SyncHmacProvider } from '../api.js';

const BLOCK = 64;

/** HMAC-SHA256 key pads (RFC 2104) for one secret: the UTF-8 key, hashed when longer than a block, XOR 0x36 / 0x5c. */
interface Pads {
  readonly inner: Buffer;
  readonly outer: Buffer;
  /** The inner pad as a string when every byte is ASCII (so its UTF-8 encoding is the same bytes), else null. */
  readonly innerText: string | null;
}

function toPads(secret: string): Pads {
  let key = Buffer.from(secret, 'utf8');
  if (key.length > BLOCK) key = crypto.createHash('sha256').update(key).digest();
  const inner = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK, 0x5c);
  let ascii = true;
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
    if (key[i]! >= 0x80) ascii = false;
  }
  key.fill(0);
  return { inner, outer, innerText: ascii ? inner.toString('latin1') : null };
}

const encoder = new TextEncoder();

/**
 * HMAC-SHA256 as two one-shot `crypto.hash` calls over precomputed key pads (Node 20.12+): the same function as
 * `createHmac`, at about half its cost: building a Hmac stream object (or a Buffer for a digest) costs more than
 * the hashing itself.
 * For ASCII secrets (Nog's are hex) the inner pad is prepended as a string; otherwise bytes are assembled in a
 * scratch buffer.
 */
export function createOneShotHmac(hash: typeof crypto.hash): (secret: string, data: string) => string {
  const pads = boundedCache<string, Pads>(KEY_CACHE_SIZE);
  let scratch = new Uint8Array(BLOCK + 2048);
  const outer = new Uint8Array(BLOCK + 32);
  let outerOf: Pads | undefined;
  return (secret, data) => {
    const p = pads.get(secret, toPads);
    // The inner digest as a 'binary' (latin1) string, one character per byte: much cheaper to get than a Buffer.
    let innerHash: string;
    if (p.innerText !== null) innerHash = hash('sha256', p.innerText + data, 'binary');
    else {
      // A UTF-16 code unit is at most 3 UTF-8 bytes: grow the scratch buffer when the data might not fit.
      if (data.length * 3 > scratch.length - BLOCK) {
        const need = BLOCK + Buffer.byteLength(data, 'utf8');
        if (need > scratch.length) scratch = new Uint8Array(need);
      }
      scratch.set(p.inner, 0);
      const { written } = encoder.encodeInto(data, scratch.subarray(BLOCK));
      innerHash = hash('sha256', scratch.subarray(0, BLOCK + written), 'binary');
    }
    if (outerOf !== p) {
      outer.set(p.outer, 0);
      outerOf = p;
    }
    for (let i = 0; i < 32; i++) outer[BLOCK + i] = innerHash.charCodeAt(i);
    return hash('sha256', outer, 'hex');
  };
}

/** Before Node 20.12 (no `crypto.hash`): `createHmac` with a cached KeyObject per secret. */
export function createStreamHmac(): (secret: string, data: string) => string {
  const keys = boundedCache<string, crypto.KeyObject>(KEY_CACHE_SIZE);
  // createSecretKey refuses a key of no bytes; HMAC pads a short key with zeros, so 0x00 is the same key.
  const toKey = (secret: string): crypto.KeyObject => crypto.createSecretKey(secret ? Buffer.from(secret, 'utf8') : Buffer.alloc(1));
  return (secret, data) => crypto.createHmac('sha256', keys.get(secret, toKey)).update(data, 'utf8').digest('hex');
}

/** Node's one-shot `crypto.hash` (Node 20.12+), or undefined. */
export const oneShotHash: typeof crypto.hash | undefined = (crypto as { hash?: typeof crypto.hash }).hash;

/** node:crypto: synchronous HMAC (one-shot hashes over cached key pads, or createHmac before Node 20.12), `randomFillSync`. */
export function nodeHmacProvider(Err: HmacErrorClass = CanonicalError): SyncHmacProvider {
  if (typeof Err !== 'function') throw new CanonicalError('ERR_INVALID_ARGUMENT', 'Err must be an error class');
  const hmac = typeof oneShotHash === 'function' ? createOneShotHmac(oneShotHash) : createStreamHmac();
  return {
    hmacHex(secret: string, data: string): string {
      assertString(secret, 'secret', Err);
      assertString(data, 'data', Err);
      return hmac(secret, data);
    },
    randomFill(bytes: Uint8Array): void {
      if (!(bytes instanceof Uint8Array)) throw new Err('ERR_INVALID_ARGUMENT', 'bytes must be a Uint8Array');
      crypto.randomFillSync(bytes);
    },
  };
}
