import type { Response } from './protocol.js';
import type { Expected } from './vectors.js';

export type Verdict =
  | { readonly pass: true }
  | { readonly pass: false; readonly stage: string; readonly expected: unknown; readonly actual: unknown };

/**
 * Judges one response against a vector's expectation. For a valid case the output's stages are compared in the
 * order the vector lists them, so the verdict names the first stage that diverged (`target`, `stringToSign`, ...);
 * keys the vector does not list are ignored. For an invalid case only the error code counts.
 */
export function judge(expected: Expected, response: Response): Verdict {
  // A port's response is checked by the runner; judged directly, anything but a response object is no answer.
  const r = (typeof response === 'object' && response !== null ? response : {}) as Record<string, unknown>;
  const error = r['error'];
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const err = typeof code === 'string' ? code : undefined;
  const output = typeof r['output'] === 'object' && r['output'] !== null ? (r['output'] as Record<string, unknown>) : undefined;
  switch (expected.result) {
    case 'valid':
      if (output === undefined) return { pass: false, stage: 'result', expected: 'an output', actual: err ?? 'unsupported' };
      return compareStages(expected.output, output);
    case 'invalid':
      if (err === undefined) return { pass: false, stage: 'result', expected: expected.error, actual: output ?? 'unsupported' };
      return err === expected.error ? { pass: true } : { pass: false, stage: 'error', expected: expected.error, actual: err };
    case 'acceptable':
      if (err !== undefined) {
        return expected.errors.includes(err) ? { pass: true } : { pass: false, stage: 'error', expected: expected.errors, actual: err };
      }
      if (output === undefined) return { pass: false, stage: 'result', expected: 'an output or an error', actual: 'unsupported' };
      return expected.output === undefined ? { pass: true } : compareStages(expected.output, output);
  }
}

function compareStages(expected: Record<string, unknown>, actual: Record<string, unknown>): Verdict {
  for (const [stage, want] of Object.entries(expected)) {
    if (!deepEqual(actual[stage], want)) return { pass: false, stage, expected: want, actual: actual[stage] };
  }
  return { pass: true };
}

/** Structural equality of JSON values (no node:util, so the judge also runs in browsers, Deno and Bun). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
