import { assertString } from './errors.js';

/**
 * The normalizations of RFC 3986 section 6 that proxies, frameworks and URL parsers apply to a request target, and
 * that a signature over raw bytes does not survive. reqsign never applies them when signing or verifying; a
 * diagnosis uses them to say what changed a target in transit.
 */

/** RFC 3986 5.2.4: a path with its `.` and `..` segments removed, as WHATWG URL and most proxies do. */
export function removeDotSegments(path: string): string {
  assertString(path, 'path');
  let input = path;
  let output = '';
  while (input.length > 0) {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../') || input === '/..') {
      input = input === '/..' ? '/' : input.slice(3);
      output = output.slice(0, Math.max(0, output.lastIndexOf('/')));
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const end = next === -1 ? input.length : next;
      output += input.slice(0, end);
      input = input.slice(end);
    }
  }
  return output;
}

const ESCAPE = /%[0-9A-Fa-f]{2}/g;
const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * A target with every valid percent-escape decoded and every non-ASCII character written as its UTF-8 bytes, one
 * character per byte: two targets that differ only in how they are percent-encoded (`%7e`, `%7E`, `~`; `é`,
 * `%C3%A9`) have the same percent-decoded form. For comparison only; it is not a string anyone sends.
 */
export function percentDecodedBytes(target: string): string {
  assertString(target, 'target');
  let bytes = '';
  for (const b of encoder.encode(target)) bytes += String.fromCharCode(b);
  return bytes.replace(ESCAPE, (e) => String.fromCharCode(Number.parseInt(e.slice(1), 16)));
}

/** The index of the first UTF-16 code unit in which two strings differ (the shorter one's length when one is a prefix of the other), or -1 when they are equal. */
export function firstDifference(a: string, b: string): number {
  assertString(a, 'a');
  assertString(b, 'b');
  if (a === b) return -1;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
