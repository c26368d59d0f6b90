import { MAX_DEADLINE_MS } from './limits.js';

/** An `authexpires` as sent: optional `-`, then decimal digits, leading zeros allowed, any number of them. */
const EXPIRES = /^-?[0-9]+$/;

/**
 * The deadline of a signature in milliseconds: `authMs + expires * 1000`, with `expires` the raw `authexpires`
 * value or `undefined` for the default, or `NaN` when `authexpires` is not a whole decimal number or the deadline
 * lies past {@link MAX_DEADLINE_MS} (both `ERR_AUTH_EXPIRES_INVALID`). The value is judged, not its digits:
 * `00000000000000000600` is 600. A negative value gives a deadline before the authdate (expired, unless the
 * authdate lies that far ahead), as in the original.
 */
export function deadlineOf(authMs: number, raw: string | undefined, defaultSeconds: number): number {
  let seconds = defaultSeconds;
  if (raw !== undefined) {
    if (!EXPIRES.test(raw)) return Number.NaN;
    // Exact up to 2^53 seconds; a longer value is only ever compared with limits it is far beyond (or, negative,
    // far before), so its rounding (or +-Infinity) cannot change an outcome.
    seconds = Number(raw);
  }
  const deadline = authMs + seconds * 1000;
  return deadline > MAX_DEADLINE_MS ? Number.NaN : deadline;
}
