/**
 * The Redis key for one nonce claim: the prefix, then the JSON array `[keyId, authdate, nonce]`.
 *
 * Key ids and nonces come from the request, so an attacker chooses them. JSON encoding is injective over strings
 * (quotes, backslashes and lone surrogates are escaped), so two different triples can never share a key, whatever
 * characters they hold: `("a:b", "c")` and `("a", "b:c")` stay apart, unlike a naive `a:b:c` join.
 */
export function nonceKey(prefix: string, keyId: string, authdate: string, nonce: string): string {
  return prefix + JSON.stringify([keyId, authdate, nonce]);
}
