import { formatDay, parseDay } from '@reqsign/canonical';
import { NopsError, invalidArgument } from '../errors.js';

/**
 * The `YYYY-MM-DD` day to sign. No date: today in `timeZone` (default UTC). A `Date`: its day in `timeZone`. A
 * string: checked strictly (`ERR_DATE_FORMAT`, `ERR_DATE_RANGE`) and used as given; a `timeZone` beside it is
 * `ERR_NOPS_DATE`, since it could not apply.
 */
export function dayOf(date: unknown, timeZone: unknown): string {
  if (timeZone !== undefined && typeof timeZone !== 'string') invalidArgument('timeZone must be a string');
  if (date === undefined) return formatDay(Date.now(), timeZone);
  if (date instanceof Date) return formatDay(date, timeZone);
  if (typeof date === 'string') {
    if (timeZone !== undefined) {
      throw new NopsError('ERR_NOPS_DATE', 'timeZone applies to a Date, not to a YYYY-MM-DD date');
    }
    parseDay(date);
    return date;
  }
  return invalidArgument('date must be a Date or a YYYY-MM-DD string');
}
