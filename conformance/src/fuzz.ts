import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FILE_OF, generators } from './fuzz-inputs.js';
import { deepEqual } from './judge.js';
import { Port, type PortOptions } from './port.js';
import type { Scheme } from './protocol.js';
import type { Implementation } from './runner.js';
import { loadInputCheckers } from './input-schemas.js';
import { loadVectors, VECTORS_DIR, type Expected, type VectorFile } from './vectors.js';

/** What an implementation answered to one input, reduced to what is compared. */
export type Answer =
  | { readonly output: Record<string, unknown> }
  | { readonly error: string }
  | { readonly unsupported: true }
  | { readonly fault: string; readonly detail: string };

export interface FuzzOptions {
  /** Two or more implementations; the first is the reference whose answer a candidate vector expects. */
  readonly implementations: readonly Implementation[];
  /** Inputs per operation (default 1000). */
  readonly runs?: number;
  /** The seed (default: a random one, printed in the report so that the run can be replayed). */
  readonly seed?: number;
  /** Only these operations, `scheme/operation` (default: every operation all implementations support). */
  readonly operations?: readonly string[];
  /** Where to write a candidate vector file per disagreement (default: none written). */
  readonly out?: string;
  /** Time allowed per request (default 10 s). */
  readonly timeoutMs?: number;
  /** The vectors whose nOps keys and signatures the generators reuse (default: the shipped ones). */
  readonly vectors?: readonly VectorFile[];
  /** Called after each operation, for progress lines. */
  readonly onOperation?: (report: OperationReport) => void;
}

export interface Disagreement {
  /** The shrunk input. */
  readonly input: Record<string, unknown>;
  /** Each implementation's answer to it, by name. */
  readonly answers: readonly { readonly name: string; readonly answer: Answer }[];
  /** How many shrinking steps led there from the first input found. */
  readonly shrinks: number;
  /** The candidate vector file written, with `out`. */
  readonly file?: string;
}

export interface OperationReport {
  readonly scheme: Scheme;
  readonly operation: string;
  /** Inputs sent to every implementation (shrinking included). */
  readonly cases: number;
  readonly durationMs: number;
  /** Per implementation name: how many inputs reached each error code (`output` for a success). */
  readonly codes: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly disagreement?: Disagreement;
  /** Why the operation was not run (an implementation does not support it). */
  readonly skipped?: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly runs: number;
  readonly names: readonly string[];
  readonly operations: readonly OperationReport[];
  readonly durationMs: number;
  readonly cases: number;
  /** Whether every implementation gave the same answer to every input. */
  readonly agreed: boolean;
  /** Why the run could not start (a port that does not start), when it could not. */
  readonly startFault?: string;
}

class Pool {
  readonly names: string[] = [];
  readonly #impls: readonly Implementation[];
  readonly #ports: (Port | undefined)[];
  readonly #options: Omit<PortOptions, 'command'>;

  private constructor(impls: readonly Implementation[], ports: Port[], options: Omit<PortOptions, 'command'>) {
    this.#impls = impls;
    this.#ports = ports;
    this.#options = options;
    const seen = new Set<string>();
    for (const [i, p] of ports.entries()) {
      let name = impls[i]!.name ?? p.hello.name;
      while (seen.has(name)) name = `${name} (${i + 1})`;
      seen.add(name);
      this.names.push(name);
    }
  }

  static async start(impls: readonly Implementation[], options: Omit<PortOptions, 'command'>): Promise<Pool | string> {
    const ports: Port[] = [];
    for (const impl of impls) {
      const started = await Port.start({ ...options, command: impl.command, cwd: impl.cwd });
      if ('fault' in started) {
        await Promise.all(ports.map((p) => p.close()));
        return `${impl.name ?? impl.command}: ${started.fault}: ${started.detail}`;
      }
      ports.push(started.port);
    }
    return new Pool(impls, ports, options);
  }

  supports(scheme: string, operation: string): string | undefined {
    for (const [i, p] of this.#ports.entries()) {
      const ops = (p?.hello.supports as Record<string, readonly string[] | undefined> | undefined)?.[scheme];
      if (p !== undefined && !ops?.includes(operation)) return `${this.names[i]} does not support ${scheme}/${operation}`;
    }
    return undefined;
  }

  /** Sends one input to every implementation at once; a port that faults is restarted for the next input. */
  async ask(scheme: Scheme, operation: string, id: string, input: Record<string, unknown>): Promise<Answer[]> {
    return Promise.all(
      this.#impls.map(async (impl, i): Promise<Answer> => {
        let port = this.#ports[i];
        if (port === undefined || !port.alive) {
          const started = await Port.start({ ...this.#options, command: impl.command, cwd: impl.cwd });
          if ('fault' in started) return { fault: started.fault, detail: started.detail };
          port = started.port;
          this.#ports[i] = port;
        }
        const reply = await port.request({ type: 'request', id, scheme, operation, input });
        if (reply.kind === 'fault') return { fault: reply.fault, detail: reply.detail };
        const r = reply.response;
        if ('output' in r) return { output: r.output };
        if ('error' in r) return { error: r.error.code };
        return { unsupported: true };
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#ports.map((p) => p?.close()));
  }
}

/** The key of an answer in the histogram: the error code, `output`, `unsupported` or `port:<fault>`. */
export function answerKey(a: Answer): string {
  if (typeof a !== 'object' || a === null) throw reportError('answerKey takes an answer (an object)');
  if ('output' in a) return 'output';
  if ('error' in a) return a.error;
  if ('fault' in a) return `port:${a.fault}`;
  return 'unsupported';
}

function sameAnswer(a: Answer, b: Answer): boolean {
  if ('fault' in a || 'fault' in b) return false;
  return deepEqual(a, b);
}

/**
 * The differential mode: the same generated inputs go to every implementation, over every operation; the first
 * input on which two answers differ (in any stage or error code) is shrunk to a minimal one (fast-check's
 * shrinking over an asynchronous property that asks every implementation) and, with `out`, written as a candidate
 * vector file that the schemas accept, expecting the first implementation's answer and naming every answer.
 * Never throws because of a port: a port that faults answers `port:<fault>`, which disagrees with everything.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const seed = options.seed ?? (Math.random() * 2 ** 31) | 0;
  const runs = options.runs ?? 1000;
  const vectors = options.vectors ?? loadVectors(VECTORS_DIR);
  const gens = generators(vectors);
  const pool = await Pool.start(options.implementations, { ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  if (typeof pool === 'string') {
    return { seed, runs, names: [], operations: [], durationMs: Date.now() - started, cases: 0, agreed: false, startFault: pool };
  }
  const reports: OperationReport[] = [];
  try {
    for (const [key, arb] of Object.entries(gens)) {
      if (options.operations !== undefined && !options.operations.includes(key)) continue;
      const [scheme, operation] = key.split('/') as [Scheme, string];
      const skipped = pool.supports(scheme, operation);
      if (skipped !== undefined) {
        reports.push({ scheme, operation, cases: 0, durationMs: 0, codes: {}, skipped });
        continue;
      }
      const report = await fuzzOperation(pool, scheme, operation, arb, seed, runs, options.out);
      reports.push(report);
      options.onOperation?.(report);
    }
  } finally {
    await pool.close();
  }
  const cases = reports.reduce((n, r) => n + r.cases, 0);
  return {
    seed,
    runs,
    names: pool.names,
    operations: reports,
    durationMs: Date.now() - started,
    cases,
    agreed: reports.every((r) => r.disagreement === undefined),
  };
}

async function fuzzOperation(
  pool: Pool,
  scheme: Scheme,
  operation: string,
  arb: fc.Arbitrary<Record<string, unknown>>,
  seed: number,
  runs: number,
  out: string | undefined,
): Promise<OperationReport> {
  const started = Date.now();
  const codes: Record<string, Record<string, number>> = Object.fromEntries(pool.names.map((n) => [n, {}]));
  let cases = 0;
  let last: { input: Record<string, unknown>; answers: Answer[] } | undefined;
  const file = FILE_OF[`${scheme}/${operation}`]!;
  const details = await fc.check(
    fc.asyncProperty(arb, async (input) => {
      cases += 1;
      const answers = await pool.ask(scheme, operation, `${file}-fuzz-${cases}`, input);
      for (const [i, a] of answers.entries()) {
        const h = codes[pool.names[i]!]!;
        // A sequence's answer is a list of results: each counts.
        const results = 'output' in a && Array.isArray(a.output['results']) ? (a.output['results'] as unknown[]) : undefined;
        for (const k of results?.map((r) => `results:${String(r)}`) ?? [answerKey(a)]) h[k] = (h[k] ?? 0) + 1;
      }
      const agree = answers.every((a) => sameAnswer(a, answers[0]!));
      if (!agree) last = { input, answers };
      return agree;
    }),
    { seed, numRuns: runs },
  );
  if (!details.failed || details.counterexample === null) return { scheme, operation, cases, durationMs: Date.now() - started, codes };
  const input = details.counterexample[0];
  // The answers to the shrunk input, asked again: the last failing run may not be the final counterexample.
  const answers = await pool.ask(scheme, operation, `${file}-fuzz-final`, input);
  if (last !== undefined && answers.every((a) => sameAnswer(a, answers[0]!))) answers.splice(0, answers.length, ...last.answers);
  const named = answers.map((answer, i) => ({ name: pool.names[i]!, answer }));
  const disagreement: Disagreement = {
    input,
    answers: named,
    shrinks: details.numShrinks,
    ...(out === undefined ? {} : { file: writeCandidate(out, scheme, operation, file, input, named, seed) }),
  };
  return { scheme, operation, cases, durationMs: Date.now() - started, codes, disagreement };
}

function expectedOf(a: Answer): Expected {
  if ('output' in a) return { result: 'valid', output: a.output };
  if ('error' in a) return { result: 'invalid', error: a.error };
  // No answer to expect: any error code conforms until someone decides.
  return { result: 'acceptable', errors: ['ERR_UNDECIDED'] };
}

/** Writes a candidate vector file `<out>/<file>.json` holding one case, valid against the file's schema. */
function writeCandidate(
  out: string,
  scheme: Scheme,
  operation: string,
  file: string,
  input: Record<string, unknown>,
  answers: readonly { name: string; answer: Answer }[],
  seed: number,
): string {
  mkdirSync(out, { recursive: true });
  const path = join(out, `${file}.json`);
  const said = answers.map(({ name, answer }) => `${name}: ${JSON.stringify(answer)}`).join('; ');
  const reference = answers[0]!.answer;
  // null is absent (PROTOCOL.md): written without such members, which the file's schema does not take.
  const checked = loadInputCheckers()[`${scheme}/${operation}`]?.(input);
  const written = checked?.ok === true ? checked.input : input;
  const breaks = 'error' in reference && (reference.error === 'ERR_VECTOR_INPUT' || reference.error === 'ERR_OPTION_RANGE');
  const data = {
    $schema: `../schema/${file}.schema.json`,
    scheme,
    operation,
    version: '0.0.0',
    description: `A candidate vector from reqsign-conformance fuzz --seed ${seed}: the implementations disagreed. Decide the rule in the specification, then move the case into vectors/${file}.json with the decided answer.`,
    notes: {
      Fuzz: `Found and shrunk by the differential fuzz mode (seed ${seed}). The answers: ${said}`,
      ...(breaks ? { BreaksSchema: "The input breaks the operation's schema: the reference's input check refused it (PROTOCOL.md)." } : {}),
    },
    cases: [
      {
        id: `${file}-fuzz-001`,
        description: `implementations disagree; expected is ${answers[0]!.name}'s answer. ${said}`,
        // An input the reference's input check refused breaks the schema: so flagged, the file's schema takes it.
        flags: breaks ? ['Fuzz', 'BreaksSchema'] : ['Fuzz'],
        input: written,
        expected: expectedOf(answers[0]!.answer),
      },
    ],
  };
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

/** The closing lines of a fuzz run: cases/s, and per operation each implementation's histogram of answers. */
export function formatFuzz(report: FuzzReport): string {
  if (typeof report !== 'object' || report === null || !Array.isArray(report.operations) || !Array.isArray(report.names)) {
    throw reportError('formatFuzz takes a report as fuzz() returns it');
  }
  try {
    return formatReport(report);
  } catch (cause) {
    // A report not made by fuzz() (a field of another type, a value JSON cannot write).
    if (cause instanceof TypeError) throw reportError('formatFuzz takes a report as fuzz() returns it', cause);
    throw cause;
  }
}

/** An error of a report that is not what fuzz() returns: `ERR_FUZZ_REPORT`. */
function reportError(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code: 'ERR_FUZZ_REPORT' });
}

function formatReport(report: FuzzReport): string {
  const lines: string[] = [];
  const rate = report.durationMs > 0 ? Math.round((report.cases * 1000) / report.durationMs) : report.cases;
  lines.push(`seed ${report.seed}, ${report.runs} inputs per operation, ${report.names.join(' / ')}`);
  for (const op of report.operations) {
    const head = `${op.scheme}/${op.operation}`;
    if (op.skipped !== undefined) {
      lines.push(`${head}: skipped (${op.skipped})`);
      continue;
    }
    lines.push(`${head}: ${op.cases} inputs, ${op.disagreement === undefined ? 'all agree' : 'DISAGREE'}`);
    const first = Object.values(op.codes)[0] ?? {};
    const keys = Object.keys(first).sort((a, b) => (first[b] ?? 0) - (first[a] ?? 0));
    lines.push(`  ${keys.map((k) => `${k} ${first[k]}`).join(', ')}`);
    if (op.disagreement !== undefined) {
      const d = op.disagreement;
      lines.push(`  input (after ${d.shrinks} shrinks): ${JSON.stringify(d.input)}`);
      for (const a of d.answers) lines.push(`    ${a.name}: ${JSON.stringify(a.answer)}`);
      if (d.file !== undefined) lines.push(`  candidate vector: ${d.file}`);
    }
  }
  lines.push(
    `${report.cases} inputs in ${(report.durationMs / 1000).toFixed(1)} s, ${rate} cases/s: ${report.agreed ? 'no disagreement' : 'DISAGREEMENT'}`,
  );
  return `${lines.join('\n')}\n`;
}
