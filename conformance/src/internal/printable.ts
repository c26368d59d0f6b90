/**
 * What a port writes reaches a terminal (the failure lines) and XML (the JUnit report). Both are shown text from the
 * port as `\uXXXX` escapes where it would otherwise do harm:
 *
 * - C0 controls but tab and newline (ESC starts terminal sequences that clear the screen or set the title), `\r`
 *   (overwrites the line), DEL and the C1 controls (U+0080-U+009F; U+009B is a one-byte CSI on some terminals);
 * - bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder what is shown;
 * - U+FFFE, U+FFFF and lone surrogates, which XML 1.0 does not allow (and UTF-8 cannot encode).
 *
 * What remains are characters XML 1.0 allows, so the JUnit report is well-formed whatever the port wrote.
 */
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escaped = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text from a port, safe for a terminal and for XML; newlines and tabs stay. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** {@link printable}, and newlines and tabs escaped too: for a name or a value that must stay on one line. */
export function oneLine(text: string): string {
  return printable(text).replace(/[\n\t]/g, escaped);
}
