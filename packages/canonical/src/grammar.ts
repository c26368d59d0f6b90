/** RFC 9110's `token`: a method, a header name, an auth scheme. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 3986's unreserved characters, one or more. */
const UNRESERVED = /^[A-Za-z0-9._~-]+$/;

/** Whether `text` is an HTTP token (RFC 9110, section 5.6.2: `!#$%&'*+-.^_`|~`, digits, letters), one or more. */
export function isHttpToken(text: string): boolean {
  return TOKEN.test(text);
}

/**
 * Whether `text` is one or more RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`): the grammar of key ids and
 * nonces that a scheme writes into a URL or header unescaped, so that they mean the same bytes to every parser.
 */
export function isUnreserved(text: string): boolean {
  return UNRESERVED.test(text);
}
