const NON_ASCII = /[^\u0000-\u007f]/;
const NON_ASCII_RUN = /[^\u0000-\u007f]+/g;
const encoder = new TextEncoder();
const HEX = '0123456789ABCDEF';

/**
 * The wire form of a path or query: every non-ASCII character percent-encoded as UTF-8 with uppercase hex, as
 * WHATWG URL (fetch, browsers) and HTTP clients send it; every ASCII byte, including existing `%XX` escapes, stays
 * as given. A lone surrogate becomes U+FFFD (`%EF%BF%BD`), as in WHATWG URL.
 */
export function wireForm(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text.replace(NON_ASCII_RUN, (run) => {
    let out = '';
    for (const b of encoder.encode(run)) out += '%' + HEX[b >> 4]! + HEX[b & 15]!;
    return out;
  });
}
