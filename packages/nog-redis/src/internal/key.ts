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

/**
 * {@link nonceKey} with one prefix, remembering the start of the last key (`prefix[keyId,authdate,`): the claims of
 * one key id within one second of signing share it, so only the nonce is escaped and joined for each of them. The
 * keys are the same as {@link nonceKey}'s, byte for byte.
 */
export function nonceKeys(prefix: string): (keyId: string, authdate: string, nonce: string) => string {
  let lastKeyId: string | undefined;
  let lastAuthdate: string | undefined;
  let head = '';
  return (keyId, authdate, nonce) => {
    if (keyId !== lastKeyId || authdate !== lastAuthdate) {
      head = `${prefix}[${quote(keyId)},${quote(authdate)},`;
      lastKeyId = keyId;
      lastAuthdate = authdate;
    }
    return `${head}${quote(nonce)}]`;
  };
}
