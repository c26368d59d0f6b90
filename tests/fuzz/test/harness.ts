/**
 * The fuzz harness: feeds an entry point inputs from a fast-check arbitrary and sorts what comes back. An entry point
 * may return or resolve anything, or fail with a typed error (a `ReqsignError` with a stable `ERR_*` code, or for the
 * tools a coded `Error`); an untyped throw, a promise that does not settle, or a message that carries a secret is a
 * finding, and the test fails on any. Every input is run (no stop at the first finding), so the count is the count.
 */
import fc from 'fast-check';
import { ReqsignError } from '@reqsign/canonical';
import { expect } from 'vitest';

/**
 * Inputs per entry point and seed: 5,000 unless `REQSIGN_FUZZ_RUNS` says otherwise (a quick local run). With the two
 * fixed seeds and the random one, an entry gets 15,000 inputs a run (one seed of 10,000 before the fixed list).
 */
export const RUNS = Number(process.env.REQSIGN_FUZZ_RUNS ?? 5_000);

/**
 * Seeds every run replays: each one drew an input that once failed a run (a defect, or an oracle that was wrong), so
 * each stays in the list for good. Add the seed of every new finding here with its fix.
 */
export const FIXED_SEEDS: readonly number[] = [
  // The Fastify entry's oracle asked the originalUrl hook about another request than the plugin's (issue 24).
  1248979041,
  // A second draw that every run makes, so the fixed part covers more than one sample of each entry.
  20260101,
];

function seedsOf(text: string | undefined): readonly number[] {
  if (text === undefined || text.trim() === '') {
    // One seed nobody chose, so that a run also explores; it is printed with every finding, and by expectClean.
    return [...FIXED_SEEDS, Math.floor(Math.random() * 2 ** 31)];
  }
  const seeds = text.split(',').map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isSafeInteger(s))) throw new Error(`REQSIGN_FUZZ_SEED must be seeds separated by commas, got ${text}`);
  return seeds;
}

/**
 * The seeds of this run: `REQSIGN_FUZZ_SEED` (one seed, or several separated by commas) replays exactly those;
 * otherwise {@link FIXED_SEEDS} and one random seed. Each seed draws an entry's whole count of inputs (a finding can sit
 * at any index: the Fastify one was input 297 of 300), the same inputs in every run.
 */
export const SEEDS: readonly number[] = seedsOf(process.env.REQSIGN_FUZZ_SEED);

/** How to replay a seed. */
export const replay = (seed: number): string => `REQSIGN_FUZZ_SEED=${seed}`;

/** `runs` values of `arb` for each of {@link SEEDS}, each with its seed (for a test that checks values itself). */
export function draw<T>(arb: fc.Arbitrary<T>, runs: number): { value: T; seed: number }[] {
  return SEEDS.flatMap((seed) => fc.sample(arb, { numRuns: runs, seed }).map((value) => ({ value, seed })));
}

const CODE = /^ERR_[A-Z0-9_]+$/;

/**
 * How long an answer may take before it counts as a hang: far above any answer's cost (milliseconds), so that a machine
 * under load never turns a slow answer into a finding. Speed is judged in the benchmarks, not here.
 */
export const HANG_MS = 30_000;

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
  /** How long a returned promise may take to settle (default {@link HANG_MS}). */
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
  const timeoutMs = options.timeoutMs ?? HANG_MS;
  const inputs = SEEDS.flatMap((seed) =>
    fc.sample(arb, { numRuns: options.runs ?? RUNS, seed }).map((input, index) => ({ seed, index, input })),
  );
  const findings: string[] = [];
  let returned = 0;
  let typedCount = 0;
  let seed = 0;
  let index = 0;
  const note = (what: string, input: readonly unknown[]) => {
    if (findings.length < 4)
      findings.push(`${entry}: ${what} for ${describeValue(input)} (seed ${seed}, input ${index}; replay: ${replay(seed)})`);
    else if (findings.length === 4) findings.push(`${entry}: more findings left out`);
  };
  for (const drawn of inputs) {
    const input = drawn.input;
    seed = drawn.seed;
    index = drawn.index;
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
    `${summary.entry}: ${summary.inputs} inputs (seeds ${SEEDS.join(', ')}), ${summary.returned} answered, ${summary.typed} typed errors, ${summary.findings.length === 0 ? 'no' : summary.findings.length} findings`,
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
