import { crc16, keySlot } from './slot.js';

/** What JSON.stringify escapes in a string (quote, backslash, control characters) and surrogates, paired or not. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without the call for the common string that needs no escaping. */
const quote = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

/**
 * The Redis key for one nonce claim: the prefix, then the JSON array `[keyId, authdate, nonce]`, exactly as
 * `JSON.stringify` writes it (keys stay the same across versions of this package, so a fleet can upgrade one verifier
 * at a time).
 *
 * Key ids and nonces come from the request, so an attacker chooses them. JSON encoding is injective over strings
 * (quotes, backslashes and lone surrogates are escaped), so two different triples can never share a key, whatever
 * characters they hold: `("a:b", "c")` and `("a", "b:c")` stay apart, unlike a naive `a:b:c` join.
 */
export function nonceKey(prefix: string, keyId: string, authdate: string, nonce: string): string {
  return `${prefix}[${quote(keyId)},${quote(authdate)},${quote(nonce)}]`;
}

/** The keys of one store: each claim's, and the cluster slot of a key. */
export interface NonceKeys {
  /** {@link nonceKey} with the store's prefix. */
  key(keyId: string, authdate: string, nonce: string): string;
  /** {@link keySlot} of `key`. */
  slotOf(key: string): number;
}

/**
 * {@link nonceKey} with one prefix, remembering the start of the last key (`prefix[keyId,authdate,`) and its CRC16:
 * the claims of one key id within one second of signing share it, so only the nonce is escaped and joined for each
 * of them, and the slot of their key is the CRC16 of the rest only, continued from the start's. The keys and slots are
 * the same as {@link nonceKey}'s and {@link keySlot}'s, byte for byte; a key with a `{` (a hash tag, maybe) gets
 * {@link keySlot} itself.
 */
export function nonceKeys(prefix: string): NonceKeys {
  let lastKeyId: string | undefined;
  let lastAuthdate: string | undefined;
  let head = '';
  /** The CRC16 of `head`, or -1 when not computed yet or when `head` has a `{`. */
  let headCrc = -1;
  let headHasBrace = false;
  let lastKey: string | undefined;
  return {
    key: (keyId, authdate, nonce) => {
      if (keyId !== lastKeyId || authdate !== lastAuthdate) {
        head = `${prefix}[${quote(keyId)},${quote(authdate)},`;
        lastKeyId = keyId;
        lastAuthdate = authdate;
        headCrc = -1;
        headHasBrace = head.includes('{');
      }
      lastKey = `${head}${quote(nonce)}]`;
      return lastKey;
    },
    slotOf: (key) => {
      // Only the last key built starts with `head`; any other, or one that may have a hash tag, the whole way.
      if (key !== lastKey || headHasBrace || key.includes('{', head.length)) return keySlot(key);
      if (headCrc === -1) headCrc = crc16(head, 0, head.length);
      return crc16(key, head.length, key.length, headCrc) & 0x3fff;
    },
  };
}
