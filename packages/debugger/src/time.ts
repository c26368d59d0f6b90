import { parseDateTime } from '@reqsign/canonical';

/**
 * An instant typed into the page: ISO 8601 with a zone (`2015-04-20T12:34:56Z`, `...+02:00`), nog's compact
 * `2015-04-20T123456Z`, or empty for now. Anything else is a RangeError naming the field.
 */
export function instant(text: string, field: string): number {
  if (text === '') return Date.now();
  if (/^\d{4}-\d{2}-\d{2}T\d{6}Z$/.test(text)) return parseDateTime(text).getTime();
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${field}: an ISO 8601 date and time with a zone, e.g. 2015-04-20T12:34:56Z`);
  return ms;
}
