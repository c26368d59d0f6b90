/**
 * The fuzz harness: feeds an entry point inputs from a fast-check arbitrary and sorts what comes back. An entry point
 * may return or resolve anything, or fail with a typed error (a `ReqsignError` with a stable `ERR_*` code, or for the
 * tools a coded `Error`); an untyped throw, a promise that does not settle, or a message that carries a secret is a
 * finding, and the test fails on any. Every input is run (no stop at the first finding), so the count is the count;
 * only a hang that starves the event loop (a synchronous or a microtask loop) ends its entry's run: a watchdog thread
 * (watchdog.cjs) stops it and the input is named as a finding.
 */
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { ReqsignError } from '@reqsign/canonical';
import { afterAll, expect } from 'vitest';

/**
 * Inputs per entry point for the random seed: 5,000 unless `REQSIGN_FUZZ_RUNS` says otherwise (a quick local run).
 * An entry whose inputs cost much (a round trip to a server, an RSA operation) asks for a share of it (`runs`).
 */
export const RUNS = Number(process.env.REQSIGN_FUZZ_RUNS ?? 5_000);

/**
 * The share of an entry's inputs each fixed seed replays: a fixed seed draws the same inputs in every run, so after
 * the first run it finds only what a change breaks again (a regression); the random seed finds what no run saw before,
 * and gets the whole count. A fixed seed's first fifth is its first inputs, the same ones as at the whole count
 * (fast-check draws input i from the seed alone), so a finding recorded below its index stays replayed.
 */
export const FIXED_SHARE = 1 / 5;

/**
 * Seeds every run replays: each one drew an input that once failed a run (a defect, or an oracle that was wrong), so
 * each stays in the list for good. Add the seed of every new finding here with its fix, and its input's index + 1 to
 * FIXED_FLOOR when that is past the seed's share ({@link FIXED_SHARE} of the entry's runs).
 */
export const FIXED_SEEDS: readonly number[] = [
  // The Fastify entry's oracle asked the originalUrl hook about another request than the plugin's (issue 24): input
  // 297 of the `nogAuth` entry's 300 (FIXED_FLOOR keeps all 300).
  1248979041,
  // A second draw that every run makes, so the fixed part covers more than one sample of each entry.
  20260101,
];

/** A fixed seed's least count of inputs (an entry's whole count when it has fewer): past the index of its finding. */
const FIXED_FLOOR: Readonly<Record<number, number>> = { 1248979041: 300 };

/** Whether this run replays given seeds (`REQSIGN_FUZZ_SEED`): each then draws the whole count. */
const REPLAY = (process.env.REQSIGN_FUZZ_SEED ?? '').trim() !== '';

function seedsOf(text: string | undefined): readonly number[] {
  if (!REPLAY || text === undefined) {
    // One seed nobody chose, so that a run also explores; it is printed with every finding, and by expectClean.
    return [...FIXED_SEEDS, Math.floor(Math.random() * 2 ** 31)];
  }
  const seeds = text.split(',').map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isSafeInteger(s))) throw new Error(`REQSIGN_FUZZ_SEED must be seeds separated by commas, got ${text}`);
  return seeds;
}

/**
 * The seeds of this run: `REQSIGN_FUZZ_SEED` (one seed, or several separated by commas) replays exactly those, each
 * at the whole count; otherwise {@link FIXED_SEEDS} (each {@link FIXED_SHARE} of the count) and one random seed (the
 * whole count). A finding can sit at any index (the Fastify one was input 297 of 300).
 */
export const SEEDS: readonly number[] = seedsOf(process.env.REQSIGN_FUZZ_SEED);

/** How many inputs `seed` draws for an entry of `runs` inputs. */
export function runsOf(seed: number, runs: number): number {
  if (REPLAY || !FIXED_SEEDS.includes(seed)) return runs;
  return Math.min(runs, Math.max(1, Math.ceil(runs * FIXED_SHARE), FIXED_FLOOR[seed] ?? 0));
}

/** How to replay a seed. */
export const replay = (seed: number): string => `REQSIGN_FUZZ_SEED=${seed}`;

/** `runs` values of `arb` for each of {@link SEEDS} (its share, {@link runsOf}), each with its seed and index. */
export function draw<T>(arb: fc.Arbitrary<T>, runs: number): { value: T; seed: number; index: number }[] {
  return SEEDS.flatMap((seed) => fc.sample(arb, { numRuns: runsOf(seed, runs), seed }).map((value, index) => ({ value, seed, index })));
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
  /** How long the event loop may stand still (no timer runs) before the watchdog stops the entry (default {@link HANG_MS}). */
  readonly stallMs?: number;
}

export interface FuzzSummary {
  readonly entry: string;
  readonly inputs: number;
  readonly returned: number;
  readonly typed: number;
  readonly findings: readonly string[];
}

const HUNG = Symbol('hung');

/**
 * The watchdog: a worker thread (watchdog.cjs) that watches a heartbeat this thread's timers keep, so that it sees what
 * this thread cannot: a call that never gives the event loop back. One per test file, made at the first fuzz run.
 */
interface Watchdog {
  readonly worker: Worker;
  readonly state: Int32Array;
  readonly where: Float64Array;
  readonly name: Uint8Array;
  readonly nameLength: Int32Array;
  /** Called when the watchdog stopped a stalled call. */
  onStall: ((stalledMs: number) => void) | undefined;
}

let watchdog: Promise<Watchdog> | undefined;

function startWatchdog(): Promise<Watchdog> {
  watchdog ??= new Promise<Watchdog>((resolve, reject) => {
    const state = new Int32Array(new SharedArrayBuffer(3 * 4));
    const where = new Float64Array(new SharedArrayBuffer(2 * 8));
    const name = new Uint8Array(new SharedArrayBuffer(512));
    const nameLength = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('./watchdog.cjs', import.meta.url), {
      workerData: { state: state.buffer, where: where.buffer, name: name.buffer, nameLength: nameLength.buffer },
    });
    const dog: Watchdog = { worker, state, where, name, nameLength, onStall: undefined };
    worker.once('error', reject);
    worker.on('message', (m: { ready?: boolean; stalledMs?: number }) => {
      if (m.ready) {
        worker.unref();
        resolve(dog);
      } else if (m.stalledMs !== undefined) dog.onStall?.(m.stalledMs);
    });
  });
  return watchdog;
}

afterAll(async () => {
  const dog = watchdog;
  watchdog = undefined;
  if (dog !== undefined) await (await dog).worker.terminate();
});

/**
 * Arms the watchdog for one entry: a heartbeat every 100 ms while it runs. `stalled` resolves with how long the event
 * loop stood still once the watchdog has stopped a call; `at` records the input under way; `disarm` ends the watch.
 */
async function watch(
  entry: string,
  stallMs: number,
): Promise<{ stalled: Promise<number>; at: (seed: number, index: number) => void; disarm: () => void }> {
  const dog = await startWatchdog();
  const bytes = Buffer.from(entry, 'utf8').subarray(0, dog.name.length);
  dog.name.set(bytes);
  Atomics.store(dog.nameLength, 0, bytes.length);
  Atomics.store(dog.state, 2, stallMs);
  const stalled = new Promise<number>((resolve) => {
    dog.onStall = resolve;
  });
  const beat = setInterval(() => Atomics.add(dog.state, 0, 1), 100);
  beat.unref();
  // A beat at each arming and disarming too: a watch that stalls at once is never taken for the one before.
  Atomics.add(dog.state, 0, 1);
  Atomics.store(dog.state, 1, 1);
  return {
    stalled,
    at: (seed, index) => {
      dog.where[0] = seed;
      dog.where[1] = index;
    },
    disarm: () => {
      Atomics.store(dog.state, 1, 0);
      Atomics.add(dog.state, 0, 1);
      clearInterval(beat);
      dog.onStall = undefined;
    },
  };
}

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
  const inputs = draw(arb, options.runs ?? RUNS).map(({ value, seed, index }) => ({ seed, index, input: value }));
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
  let current: readonly unknown[] = [];
  const dog = await watch(entry, options.stallMs ?? HANG_MS);
  // The inputs run after a turn of the event loop, so that a stop of a stalled call ends no frame of fuzz() itself.
  const run = async (): Promise<undefined> => {
    await null;
    for (const drawn of inputs) {
      const input = drawn.input;
      current = input;
      dog.at(drawn.seed, drawn.index);
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
    return undefined;
  };
  try {
    const stalledMs = await Promise.race([run(), dog.stalled]);
    if (stalledMs !== undefined) {
      note(
        `the event loop stood still for ${stalledMs} ms (a synchronous or microtask loop; stopped by the watchdog, the entry's later inputs not run)`,
        current,
      );
    }
  } finally {
    dog.disarm();
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
