import { CanonicalError, assertString } from './errors.js';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// Literals rather than Date calls, so that a bundle that uses no date function carries none of this module
// (test/bundle.test.ts checks them against Date.UTC and setUTCFullYear).
/** 9999-12-31T23:59:59.999Z in milliseconds. */
export const MAX_MS = 253402300799999;
/** 0000-01-01T00:00:00.000Z in milliseconds. */
export const MIN_MS = -62167219200000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function toMillis(date: Date | number, name: string): number {
  if (typeof date !== 'number' && !(date instanceof Date)) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', `${name} must be a Date or a number of milliseconds`);
  }
  const ms = typeof date === 'number' ? date : date.getTime();
  if (!Number.isFinite(ms)) throw new CanonicalError('ERR_DATE_RANGE', `${name} is not a valid date`);
  if (ms < MIN_MS || ms > MAX_MS) {
    throw new CanonicalError('ERR_DATE_RANGE', `${name} is outside the years 0000-9999`);
  }
  return ms;
}

let cachedSecond = Number.NaN;
let cachedText = '';

/**
 * Formats a date as UTC `YYYY-MM-DDTHHMMSSZ` (ISO 8601 basic time, no colons, no milliseconds), the nog-v1
 * `authdate`: `2015-04-20T123456Z`. The same text as `toISOString()` without `:` and milliseconds. The last result
 * is cached, since it changes once a second.
 */
export function formatDateTime(date: Date | number): string {
  const ms = toMillis(date, 'date');
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond) return cachedText;
  const d = new Date(ms);
  const text =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}Z`;
  cachedSecond = second;
  cachedText = text;
  return text;
}

/** Milliseconds since the epoch for a calendar date and time, or throws `ERR_DATE_RANGE` if it does not exist. */
function fromParts(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const probe = new Date(0);
  probe.setUTCFullYear(y, mo - 1, d);
  probe.setUTCHours(h, mi, s, 0);
  if (
    probe.getUTCFullYear() !== y ||
    probe.getUTCMonth() !== mo - 1 ||
    probe.getUTCDate() !== d ||
    probe.getUTCHours() !== h ||
    probe.getUTCMinutes() !== mi ||
    probe.getUTCSeconds() !== s
  ) {
    throw new CanonicalError('ERR_DATE_RANGE', 'The date does not exist in the calendar');
  }
  return probe.getTime();
}

/**
 * Parses UTC `YYYY-MM-DDTHHMMSSZ` strictly. Text of another shape throws `ERR_DATE_FORMAT`; a date that has the
 * shape but does not exist (month 13, February 30, 25:61:61, a leap second) throws `ERR_DATE_RANGE`, never NaN.
 */
export function parseDateTime(text: string): Date {
  assertString(text, 'text');
  const m = DATETIME.exec(text);
  if (m === null) throw new CanonicalError('ERR_DATE_FORMAT', 'The date is not in the form YYYY-MM-DDTHHMMSSZ');
  return new Date(fromParts(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

const dayFormatters = /* @__PURE__ */ new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', era: 'short' });
    } catch (cause) {
      throw new CanonicalError('ERR_TIME_ZONE', 'Unknown time zone', { cause });
    }
    dayFormatters.set(timeZone, f);
  }
  return f;
}

/**
 * Formats the calendar day of a date as `YYYY-MM-DD`, in UTC by default or in the IANA time zone given
 * (`America/New_York`); an unknown zone throws `ERR_TIME_ZONE`.
 */
export function formatDay(date: Date | number, timeZone = 'UTC'): string {
  const ms = toMillis(date, 'date');
  assertString(timeZone, 'timeZone');
  if (timeZone === 'UTC') {
    const d = new Date(ms);
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  }
  let year = 0;
  let month = 0;
  let day = 0;
  let bc = false;
  for (const part of dayFormatter(timeZone).formatToParts(ms)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'era') bc = part.value === 'BC';
  }
  // Intl counts years as eras (1 BC is year 0); years before 0000 cannot be written as YYYY.
  if (bc) year = 1 - year;
  if (year < 0 || year > 9999) throw new CanonicalError('ERR_DATE_RANGE', 'date is outside the years 0000-9999');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Parses `YYYY-MM-DD` strictly to midnight UTC of that day: `ERR_DATE_FORMAT` or `ERR_DATE_RANGE` otherwise. */
export function parseDay(text: string): Date {
  assertString(text, 'text');
  const m = DAY.exec(text);
  if (m === null) throw new CanonicalError('ERR_DATE_FORMAT', 'The date is not in the form YYYY-MM-DD');
  return new Date(fromParts(+m[1]!, +m[2]!, +m[3]!, 0, 0, 0));
}
