import { CanonicalError, assertString } from './errors.js';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// Literals rather than Date calls, so that a bundle that uses no date function carries none of this module
// (test/bundle.test.ts checks them against Date.UTC and setUTCFullYear).
/** 9999-12-31T23:59:59.999Z in milliseconds. */
export const MAX_MS = 253402300799999;
/** 0000-01-01T00:00:00.000Z in milliseconds. */
export const MIN_MS = -62167219200000;

function pad(n: number | string, width: number): string {
  return String(n).padStart(width, '0');
}

function toMillis(date: Date | number, name: string): number {
  if (typeof date !== 'number' && !(date instanceof Date)) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', `${name} must be a Date or a number of milliseconds`);
  }
  // A fraction of a millisecond is floored, before 1970 too (-0.5 is in the millisecond -1, 1969-12-31), as
  // seconds are: a Date would truncate it toward zero.
  const ms = Math.floor(typeof date === 'number' ? date : date.getTime());
  if (!Number.isFinite(ms)) throw new CanonicalError('ERR_DATE_RANGE', `${name} is not a valid date`);
  if (ms < MIN_MS || ms > MAX_MS) {
    throw new CanonicalError('ERR_DATE_RANGE', `${name} is outside the years 0000-9999`);
  }
  return ms;
}

// 0.5 is no second (a floored count), and a literal: a bundle without formatDateTime drops it (Number.NaN it keeps).
let cachedSecond = 0.5;
let cachedText = '';

/** `YYYY-MM-DD` of a UTC date. */
function utcDay(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** `YYYY-MM-DDTHHMMSSZ` of a UTC date. */
function utcDateTime(d: Date): string {
  return `${utcDay(d)}T${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}Z`;
}

/**
 * Formats a date as UTC `YYYY-MM-DDTHHMMSSZ` (ISO 8601 basic time, no colons, no milliseconds), the nog-v1
 * `authdate`: `2015-04-20T123456Z`. The same text as `toISOString()` without `:` and milliseconds. The last result
 * is cached, since it changes once a second.
 */
export function formatDateTime(date: Date | number): string {
  const ms = toMillis(date, 'date');
  // The second the date falls in, rounded down for dates before 1970 too (-1500 ms is in the second -2).
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond) return cachedText;
  cachedText = utcDateTime(new Date(second * 1000));
  cachedSecond = second;
  return cachedText;
}

/**
 * The date that `text` names, if formatting it again gives back `text` exactly: a month 13, February 30, 25:61:61
 * or a leap second rolls over into another date and fails this, so it throws `ERR_DATE_RANGE`, never NaN.
 */
function roundTrip(text: string, m: RegExpExecArray, format: (d: Date) => string): Date {
  const d = new Date(0);
  d.setUTCFullYear(+m[1]!, +m[2]! - 1, +m[3]!);
  if (m[4] !== undefined) d.setUTCHours(+m[4], +m[5]!, +m[6]!);
  if (format(d) !== text) throw new CanonicalError('ERR_DATE_RANGE', 'The date does not exist in the calendar');
  return d;
}

/**
 * Parses UTC `YYYY-MM-DDTHHMMSSZ` strictly. Text of another shape throws `ERR_DATE_FORMAT`; a date that has the
 * shape but does not exist (month 13, February 30, 25:61:61, a leap second) throws `ERR_DATE_RANGE`, never NaN.
 */
export function parseDateTime(text: string): Date {
  assertString(text, 'text');
  const m = DATETIME.exec(text);
  if (m === null) throw new CanonicalError('ERR_DATE_FORMAT', 'The date is not in the form YYYY-MM-DDTHHMMSSZ');
  return roundTrip(text, m, utcDateTime);
}

const dayFormatters = /* @__PURE__ */ new Map<string, Intl.DateTimeFormat>();
/**
 * What is no IANA zone name though a runtime's Intl may take it (canonical.md, "Dates"), whatever its ICU version:
 * - a name that starts with no letter or digit: an offset (+01:00, -0500), which Node 22+, Deno and Chromium take
 *   (ECMA-402 2024);
 * - ICU's Java-style ids, three letters ending in T (ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT IET IST
 *   JST MIT NET NST PLT PNT PRT PST SST VST), not the IANA names CET EET MET WET EST HST MST GMT UCT;
 * - the names IANA removed, which ICU keeps: SystemV/* (2020b; `sy`: no IANA name starts so), US/Pacific-New
 *   (2020b), Canada/East-Saskatchewan (2017c); and the placeholder Factory (Chromium and Deno take it).
 * Terse for the nOps client's size budget (its CryptoKey signer is measured against jose's). The Python port
 * refuses the same with the same pattern (its NOT_IANA); test/zones.test.ts holds both to tzdata.zi for every name
 * ICU knows.
 */
const NOT_IANA = /^(\W|(?![cemw]e|[ehm]s|gm|uc)..t$|sy|us.pacific-|canada.east-|factory$)/i;

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (f === undefined) {
    try {
      // Thrown to be answered as an unknown zone below.
      if (NOT_IANA.test(timeZone)) throw 0;
      f = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', era: 'short' });
    } catch {
      // No cause: the runtime's RangeError quotes the zone, and a message carries no caller input.
      throw new CanonicalError('ERR_TIME_ZONE', 'Unknown time zone');
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
    return utcDay(new Date(ms));
  }
  const parts: Record<string, string> = {};
  for (const { type, value } of dayFormatter(timeZone).formatToParts(ms)) parts[type] = value;
  // Intl counts years as eras (1 BC is year 0); years before 0000 cannot be written as YYYY.
  const year = parts['era'] === 'BC' ? 1 - +parts['year']! : +parts['year']!;
  if (year < 0 || year > 9999) throw new CanonicalError('ERR_DATE_RANGE', 'date is outside the years 0000-9999');
  return `${pad(year, 4)}-${pad(parts['month']!, 2)}-${pad(parts['day']!, 2)}`;
}

/** Parses `YYYY-MM-DD` strictly to midnight UTC of that day: `ERR_DATE_FORMAT` or `ERR_DATE_RANGE` otherwise. */
export function parseDay(text: string): Date {
  assertString(text, 'text');
  const m = DAY.exec(text);
  if (m === null) throw new CanonicalError('ERR_DATE_FORMAT', 'The date is not in the form YYYY-MM-DD');
  return roundTrip(text, m, utcDay);
}
