import { UsageError } from './io.js';

// 2015-04-20T12:34:56Z, 2015-04-20T12:34:56.789+02:00, and nog's own 2015-04-20T123456Z.
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):?(\d{2}))$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO 8601 date and time with a zone (`Z` or `+hh:mm`), also in nog's compact `YYYY-MM-DDTHHMMSSZ`. Dates that
 * do not exist (February 30, hour 24) are refused rather than rolled over.
 */
export function parseIsoDateTime(text: string, flag: string): Date {
  const m = ISO.exec(text);
  const fail = (): never => {
    throw new UsageError(`${flag} takes an ISO 8601 date and time with a zone, e.g. 2015-04-20T12:34:56Z`);
  };
  if (m === null) return fail();
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
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
    return fail();
  }
  const ms = Math.floor(Number(`0${m[7] ?? ''}`) * 1000);
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return fail();
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return new Date(probe.getTime() + ms - offset);
}

/** A `YYYY-MM-DD` day, checked for shape here (the scheme package checks that it exists). */
export function checkDay(text: string, flag: string): string {
  if (!DAY.test(text)) throw new UsageError(`${flag} takes a day as YYYY-MM-DD`);
  return text;
}
