/**
 * Durations as a person reads them, for `explain`'s text ("11 years 7 months"); `--json` keeps whole seconds.
 *
 * The rules (README, "nog explain"):
 * 1. The span runs from an instant `from` to a later one `to`, in UTC's calendar, at millisecond precision.
 * 2. Months: the most whole calendar months `n` with `from + n months <= to`, where adding months keeps the day of the
 *    month and the time of day, and a day the month lacks becomes its last day (January 31 + 1 month is February 28
 *    or 29). Years are those months divided by 12, the rest months.
 * 3. The rest, `to - (from + n months)`, is less than a month: whole days of 86,400 s, then hours, minutes and whole
 *    seconds (the milliseconds left over are dropped).
 * 4. Shown: the largest unit that is not zero and the unit after it when that one is not zero ("11 years 7 months",
 *    "3 days", "2 hours 5 minutes"), each with its count and its name, singular for 1; truncated, never rounded up;
 *    "0 seconds" when nothing is left. The exact count of seconds stands next to it in the text.
 *
 * These are the rules of Python's `dateutil.relativedelta(to, from)`, which the tests compare with.
 */

export interface CalendarDifference {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** `from` plus `n` calendar months (rule 2), in ms since the epoch. */
function addMonths(from: Date, n: number): number {
  const total = from.getUTCFullYear() * 12 + from.getUTCMonth() + n;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(from.getUTCDate(), daysInMonth(year, month));
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds());
  return d.getTime();
}

/** The calendar difference from `fromMs` to `toMs` (rules 1 to 3); `toMs` before `fromMs` is taken as no time. */
export function calendarDifference(fromMs: number, toMs: number): CalendarDifference {
  const from = new Date(fromMs);
  const to = new Date(Math.max(fromMs, toMs));
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  while (months > 0 && addMonths(from, months) > to.getTime()) months--;
  let rest = Math.floor((to.getTime() - addMonths(from, months)) / 1000);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  return { years: Math.floor(months / 12), months: months % 12, days, hours, minutes, seconds: rest - minutes * 60 };
}

const UNITS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;

/** The span from `fromMs` to `toMs` in words (rule 4). */
export function humanDuration(fromMs: number, toMs: number): string {
  const d = calendarDifference(fromMs, toMs);
  const counts = [d.years, d.months, d.days, d.hours, d.minutes, d.seconds];
  const first = counts.findIndex((c) => c !== 0);
  if (first === -1) return '0 seconds';
  const word = (i: number): string => `${counts[i]} ${UNITS[i]}${counts[i] === 1 ? '' : 's'}`;
  const next = first + 1 < counts.length && counts[first + 1] !== 0 ? ` ${word(first + 1)}` : '';
  return `${word(first)}${next}`;
}

/** `seconds` from `anchorMs` in words, with the count: `11 years 7 months (367028708 s)`. */
export function secondsInWords(seconds: number, anchorMs: number): string {
  return `${humanDuration(anchorMs, anchorMs + seconds * 1000)} (${seconds} s)`;
}
