/**
 * Text from the command line or a file, quoted for one line of stderr: JSON string syntax (so a newline, a tab or
 * an escape sequence shows as `\n`, `\t`, `\u001b`), with the other characters a terminal acts on escaped too (DEL,
 * the C1 controls, line and paragraph separators, bidirectional overrides). One error stays one line, and nothing
 * a caller typed can rewrite the terminal.
 */
export function quote(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
