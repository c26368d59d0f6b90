/**
 * The reqsign conformance protocol, version 1: JSON Lines over a port's stdin and stdout (PROTOCOL.md has the
 * prose and a worked example). The runner starts the port once; the port's first line is a {@link Hello}; then
 * the runner writes one {@link Request} per vector and the port answers each with exactly one {@link Response},
 * in order. When the runner closes stdin, the port exits.
 */
export const PROTOCOL = 'reqsign-conformance/1';

import type { Scheme } from './schemes.js';

export type { Scheme };

export interface Hello {
  readonly type: 'hello';
  readonly protocol: typeof PROTOCOL;
  /** The port's name, e.g. `reqsign-python`. */
  readonly name: string;
  readonly version: string;
  /** The operations the port implements, by scheme: `{"nog-v1": ["sign", "verify"]}`. */
  readonly supports: Readonly<Partial<Record<Scheme, readonly string[]>>>;
}

export interface Request {
  readonly type: 'request';
  /** The vector's id; the response carries it back. */
  readonly id: string;
  readonly scheme: Scheme;
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export type Response =
  | { readonly type: 'response'; readonly id: string; readonly output: Record<string, unknown> }
  | { readonly type: 'response'; readonly id: string; readonly error: { readonly code: string; readonly message?: string } }
  | { readonly type: 'response'; readonly id: string; readonly unsupported: true };

/**
 * A message as one line of the protocol: its JSON with U+2028 and U+2029 written as `\u2028` / `\u2029` (JSON allows
 * both forms), then `\n`. Readers that also end lines at those two characters (Node 22+'s and Deno's and Bun's
 * `readline`, Python's `str.splitlines`) then read one message per line.
 */
export function jsonLine(message: unknown): string {
  return `${JSON.stringify(message).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}\n`;
}
