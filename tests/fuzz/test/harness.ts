/**
 * The fuzz harness: feeds an entry point inputs from a fast-check arbitrary and sorts what comes back. An entry point
 * may return or resolve anything, or fail with a typed error (a `ReqsignError` with a stable `ERR_*` code, or for the
 * tools a coded `Error`); an untyped throw, a promise that does not settle, or a message that carries a secret is a
 * finding, and the test fails on any. Every input is run (no stop at the first finding), so the count is the count.
 */
import fc from 'fast-check';
import { ReqsignError } from '@reqsign/canonical';
import { expect } from 'vitest';

/** Inputs per entry point: 10,000 unless `REQSIGN_FUZZ_RUNS` says otherwise (a quick local run). */
export const RUNS = Number(process.env.REQSIGN_FUZZ_RUNS ?? 10_000);
/** The seed of this run (`REQSIGN_FUZZ_SEED` replays one); printed with every finding. */
export const SEED = Number(process.env.REQSIGN_FUZZ_SEED ?? Date.now() % 2 ** 31);

const CODE = /^ERR_[A-Z0-9_]+$/;

/** A library error: a ReqsignError with a stable code. */
export function isLibraryError(err: unknown): boolean {
  return err instanceof ReqsignError && CODE.test(err.code);
}

/** A tool's error (the conformance suite): any Error with a stable `ERR_*` code. */
export function isCodedError(err: unknown): boolean {
  return err instanceof Error && CODE.test(String((err as { code?: unknown }).code));
}

export interface FuzzOptions {
  /** Which errors count as typed (default {@link isLibraryError}). */
  readonly typed?: (err: unknown) => boolean;
  /** Strings that must never appear in an error's message, stack or causes. */
  readonly secrets?: readonly string[];
  /** How long a returned promise may take to settle (default 5 s). */
  readonly timeoutMs?: number;
  /** Inputs (default {@link RUNS}). */
  readonly runs?: number;
  /** Checks a returned value; throws (an assertion) when it is wrong. */
  readonly check?: (value: unknown, input: readonly unknown[]) => void;
}

export interface FuzzSummary {
  readonly entry: string;
  readonly inputs: number;
  readonly returned: number;
  readonly typed: number;
  readonly findings: readonly string[];
}

const HUNG = Symbol('hung');

function describeValue(v: unknown): string {
  try {
    return fc.stringify(v).slice(0, 160);
  } catch {
    return '<unprintable>';
  }
}

/** Every text an error carries, causes included. */
function textsOf(err: unknown, depth = 0): string[] {
  if (depth > 5 || typeof err !== 'object' || err === null) return [];
  const e = err as { message?: unknown; stack?: unknown; cause?: unknown };
  return [String(e.message), String(e.stack), ...textsOf(e.cause, depth + 1)];
}

/** Runs `call` on `runs` inputs from `arb` and returns what happened; {@link expectClean} fails on any finding. */
export async function fuzz<T extends readonly unknown[]>(
  entry: string,
  arb: fc.Arbitrary<T>,
  call: (...args: T) => unknown,
  options: FuzzOptions = {},
): Promise<FuzzSummary> {
  const typed = options.typed ?? isLibraryError;
  const timeoutMs = options.timeoutMs ?? 5000;
  const inputs = fc.sample(arb, { numRuns: options.runs ?? RUNS, seed: SEED });
  const findings: string[] = [];
  let returned = 0;
  let typedCount = 0;
  const note = (what: string, input: readonly unknown[]) => {
    if (findings.length < 4) findings.push(`${entry}: ${what} for ${describeValue(input)} (seed ${SEED})`);
    else if (findings.length === 4) findings.push(`${entry}: more findings left out`);
  };
  for (const input of inputs) {
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      let value = call(...input);
      if (typeof (value as { then?: unknown } | null)?.then === 'function') {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hung = new Promise<typeof HUNG>((r) => {
          timer = setTimeout(r, timeoutMs, HUNG);
        });
        value = await Promise.race([value as Promise<unknown>, hung]).finally(() => clearTimeout(timer));
        if (value === HUNG) {
          note(`no answer within ${timeoutMs} ms`, input);
          continue;
        }
      }
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok) {
      returned++;
      if (options.check !== undefined) {
        try {
          options.check(outcome.value, input);
        } catch (err) {
          note(`a wrong result (${(err as Error).message.split('\n')[0]})`, input);
        }
      }
      continue;
    }
    const err = outcome.error;
    if (!typed(err)) {
      const name = (err as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof err;
      const at = String((err as { stack?: unknown } | null)?.stack ?? '')
        .split('\n')
        .filter((l) => l.includes('/packages/'))
        .slice(0, 2)
        .map((l) => l.trim().replace(/^.*\/packages\//, ''))
        .join(' < ');
      note(`untyped ${name}: ${String((err as { message?: unknown } | null)?.message ?? err).slice(0, 200)} (at ${at})`, input);
      continue;
    }
    typedCount++;
    const leaked = (options.secrets ?? []).find((s) => textsOf(err).some((t) => t.includes(s)));
    if (leaked !== undefined) note(`an error that carries a secret (${(err as Error).message})`, input);
  }
  return { entry, inputs: inputs.length, returned, typed: typedCount, findings };
}

/** Fails with every finding; logs the counts (so a run shows how much of each entry point's input got through). */
export function expectClean(summary: FuzzSummary): void {
  console.log(
    `${summary.entry}: ${summary.inputs} inputs, ${summary.returned} answered, ${summary.typed} typed errors, ${summary.findings.length === 0 ? 'no' : summary.findings.length} findings`,
  );
  expect(summary.findings).toEqual([]);
}

/**
 * The exported functions of a module that the suite has no entry for: a new export must get one. Classes are named
 * in `classes` (their instances are fuzzed through the entries that make them).
 */
export function unfuzzedExports(module: Record<string, unknown>, entries: readonly string[], classes: readonly string[] = []): string[] {
  return Object.entries(module)
    .filter(([name, v]) => typeof v === 'function' && !entries.includes(name) && !classes.includes(name))
    .map(([name]) => name);
}
