/**
 * The latest deadline (authdate + authexpires) there is: 9999-12-31T23:59:59Z, the last instant an authdate can
 * name, in milliseconds. A verifier refuses a later one (`ERR_AUTH_EXPIRES_INVALID`) and `sign` never makes one
 * (`ERR_SIGN_EXPIRES`), so every deadline is a valid `Date` and writes as `YYYY-MM-DDTHHMMSSZ` in any language.
 * (The original server let a deadline past the `Date` range become NaN: a signature that never expired.)
 */
export const MAX_DEADLINE_MS = 253402300799000;

/**
 * The longest URL, in UTF-16 code units, that a verifier accepts and `sign` makes, by default: 16 KiB, Node's
 * default header limit, so that a signed 8 KiB target fits with room to spare. Both take it as `maxUrlLength`.
 */
export const DEFAULT_MAX_URL_LENGTH = 16384;
