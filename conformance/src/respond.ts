import type { Response } from './protocol.js';

/**
 * The response a port gives for one case: `output` for what the operation returned, `error` with its code for a
 * typed error (anything with a string `code`), `unsupported` when there is no handler. An untyped exception is a bug
 * in the implementation, not an outcome, so it is thrown on. One loop for every host: the stdio adapter, the package
 * tests and the browser suite all answer through this.
 */
export async function respond(
  id: string,
  run: (() => Record<string, unknown> | Promise<Record<string, unknown>>) | undefined,
): Promise<Response> {
  if (run === undefined) return { type: 'response', id, unsupported: true };
  try {
    return { type: 'response', id, output: await run() };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e?.code !== 'string') throw err;
    return { type: 'response', id, error: { code: e.code, message: String(e.message ?? '') } };
  }
}
