/** An error class that can carry `ERR_CLOCK_INVALID` and its cause: the calling scheme's own. */
export type ClockErrorClass = new (code: 'ERR_CLOCK_INVALID', message: string, options?: { cause?: unknown }) => Error;

/**
 * A verifier's time from its clock (`now`, milliseconds since the epoch), for every scheme. Anything but a finite
 * number would turn expiry and skew checks off (NaN compares false) or throw untyped, so it is refused: `Err` (the
 * scheme's error class) with `ERR_CLOCK_INVALID`, the clock's own exception kept as the cause for operators. A
 * verifier never verifies without a clock.
 */
export function readClock(now: () => unknown, Err: ClockErrorClass): number {
  let ms: unknown;
  try {
    ms = now();
  } catch (cause) {
    throw new Err('ERR_CLOCK_INVALID', 'now() threw', { cause });
  }
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new Err('ERR_CLOCK_INVALID', 'now() must return a finite number of milliseconds since the epoch');
  }
  return ms;
}
