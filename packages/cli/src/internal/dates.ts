import { parseDateTime, parseDay } from '@reqsign/canonical';
import { UsageError } from './io.js';

// 2015-04-20T12:34:56Z, 2015-04-20T12:34:56.789+02:00, and nog's own 2015-04-20T123456Z.
const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * An ISO 8601 date and time with a zone (`Z` or `+hh:mm`), also in nog's compact `YYYY-MM-DDTHHMMSSZ`. The calendar
 * check is @reqsign/canonical's: dates that do not exist (February 30, hour 24) are refused rather than rolled over.
 */
export function parseIsoDateTime(text: string, flag: string): Date {
  const m = ISO.exec(text);
  const fail = (): never => {
    throw new UsageError(`${flag} takes an ISO 8601 date and time with a zone, e.g. 2015-04-20T12:34:56Z`);
  };
  if (m === null) return fail();
  let local: number;
  try {
    local = parseDateTime(`${m[1]}T${m[2]}${m[3]}${m[4]}Z`).getTime();
  } catch {
    return fail();
  }
  const ms = Math.floor(Number(`0${m[5] ?? ''}`) * 1000);
  let offset = 0;
  if (m[6] !== 'Z') {
    const oh = Number(m[8]);
    const om = Number(m[9]);
    if (oh > 23 || om > 59) return fail();
    offset = (m[7] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return new Date(local + ms - offset);
}

/** A `YYYY-MM-DD` day that exists (checked by @reqsign/canonical), as given. */
export function checkDay(text: string, flag: string): string {
  try {
    parseDay(text);
  } catch {
    throw new UsageError(`${flag} takes a day that exists, as YYYY-MM-DD`);
  }
  return text;
}
