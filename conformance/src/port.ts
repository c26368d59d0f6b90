import { clip, LineReader } from './internal/lines.js';
import { release, startProcess, type PortProcess } from './internal/processes.js';
import { jsonLine, PROTOCOL, type Hello, type Request, type Response } from './protocol.js';

/**
 * Why a port gave no usable answer: `start` (no hello in time), `timeout` (no answer in time), `crash` (the
 * process exited, also when a process it started still holds its stdout), `stdout-closed` (it closed its stdout
 * but kept running), `non-json` (a line that is not JSON), `wrong-id` (a response to another request),
 * `bad-message` (JSON, but not a hello or response of the protocol), `too-long` (a line over the length limit),
 * `extra-line` (a line after a case's answer: two answers to one request), `skipped` (not sent: the port failed
 * too many times in a row).
 */
export type FaultKind =
  | 'start'
  | 'timeout'
  | 'crash'
  | 'stdout-closed'
  | 'non-json'
  | 'wrong-id'
  | 'bad-message'
  | 'too-long'
  | 'extra-line'
  | 'skipped';

/** A line the port wrote after its answer to request `id` (and before the next request's answer). */
export interface ExtraLine {
  readonly id: string;
  readonly line: string;
}

export type Reply = (
  | { readonly kind: 'response'; readonly response: Response }
  | { readonly kind: 'fault'; readonly fault: FaultKind; readonly detail: string }
) & {
  /** Set when a line that belongs to no request came after the previous request's answer: that request is to blame. */
  readonly extra?: ExtraLine;
};

export interface PortOptions {
  /** A shell command line that starts the port. */
  readonly command: string;
  readonly cwd?: string;
  /** How long one request may take before the port counts as hung (default 10 s). */
  readonly timeoutMs?: number;
  /** How long the port may take to say hello (default 20 s). */
  readonly startTimeoutMs?: number;
  /** The longest line accepted from the port, in UTF-16 code units (default 16 Mi). */
  readonly maxLineLength?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_START_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_LINE_LENGTH: number = 16 * 1024 * 1024;
/** How long a port may take to exit after its stdin is closed, before it is killed. */
const EXIT_GRACE_MS = 2000;

/**
 * One running port process. Every wait is bounded: a port that hangs, dies, writes garbage or answers out of
 * order yields a fault, never a hang or an exception. After a fault the port is killed; start a new one to go on.
 */
export class Port {
  readonly hello: Hello;
  readonly #proc: PortProcess;
  readonly #lines: LineReader;
  readonly #timeoutMs: number;
  #dead = false;
  /** The id of the last request answered: a line that arrives after that answer is blamed on it. */
  #answered: string | undefined;

  private constructor(proc: PortProcess, lines: LineReader, hello: Hello, timeoutMs: number) {
    this.#proc = proc;
    this.#lines = lines;
    this.hello = hello;
    this.#timeoutMs = timeoutMs;
  }

  /** Starts a port and waits for its hello line. Never throws: a port that cannot start gives a fault. */
  static async start(options: PortOptions): Promise<{ readonly port: Port } | { readonly fault: FaultKind; readonly detail: string }> {
    let proc: PortProcess;
    try {
      proc = startProcess(options.command, options.cwd);
    } catch (err) {
      return { fault: 'start', detail: `could not start: ${(err as Error).message}` };
    }
    const lines = new LineReader(proc.child, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
    const first = await lines.next(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    const fail = (fault: FaultKind, detail: string) => {
      release(proc);
      return { fault, detail };
    };
    if (first.kind === 'fault') return fail(first.fault === 'timeout' ? 'start' : first.fault, `no hello: ${first.detail}`);
    let hello: unknown;
    try {
      // A byte order mark before the first line is tolerated (some runtimes write one).
      hello = JSON.parse(first.line.replace(/^\uFEFF/, ''));
    } catch {
      return fail('non-json', `the first line is not JSON: ${clip(first.line)}`);
    }
    const problem = helloProblem(hello);
    if (problem !== undefined) return fail('bad-message', `the first line is not a ${PROTOCOL} hello (${problem}): ${clip(first.line)}`);
    return { port: new Port(proc, lines, hello as Hello, options.timeoutMs ?? DEFAULT_TIMEOUT_MS) };
  }

  get alive(): boolean {
    return !this.#dead;
  }

  /** The last few KiB the port wrote to stderr, for a failure report. */
  get stderr(): string {
    return this.#lines.stderr;
  }

  /** Sends one request and waits for its response. Never throws and never waits longer than the timeout. */
  async request(request: Request): Promise<Reply> {
    if (this.#dead) return { kind: 'fault', fault: 'crash', detail: 'the port is no longer running' };
    const previous = this.#answered;
    this.#answered = undefined;
    // A line written after the previous answer and before this request answers nothing: the previous request made
    // the port write it. Before any answer (a second line after the hello), it is this request's fault.
    const early = this.#lines.drain();
    let extra: ExtraLine | undefined;
    if (early.length > 0) {
      if (previous === undefined) return this.#fault('extra-line', `wrote a line before the first request: ${clip(early[0]!)}`);
      extra = { id: previous, line: early[0]! };
    }
    const reply = await this.#exchange(request, previous);
    extra ??= reply.extra;
    return extra === undefined ? reply : { ...reply, extra };
  }

  async #exchange(request: Request, previous: string | undefined): Promise<Reply> {
    this.#proc.child.stdin.write(jsonLine(request));
    const deadline = Date.now() + this.#timeoutMs;
    let extra: ExtraLine | undefined;
    const fault = (kind: FaultKind, detail: string): Reply => ({ ...this.#fault(kind, detail), ...(extra ? { extra } : {}) });
    for (;;) {
      const got = await this.#lines.next(Math.max(0, deadline - Date.now()));
      if (got.kind === 'fault') return fault(got.fault, got.fault === 'timeout' ? `no answer within ${this.#timeoutMs} ms` : got.detail);
      let msg: unknown;
      try {
        msg = JSON.parse(got.line);
      } catch {
        return fault('non-json', `wrote a line that is not JSON: ${clip(got.line)}`);
      }
      const r = msg as Record<string, unknown> | null;
      if (r === null || typeof r !== 'object' || Array.isArray(r) || r['type'] !== 'response') {
        return fault('bad-message', `wrote something other than a response: ${clip(got.line)}`);
      }
      // A second answer to the previous request that arrives after this one was sent: blamed on that request, and
      // this one still waits for its own answer.
      if (previous !== undefined && r['id'] === previous && previous !== request.id) {
        extra ??= { id: previous, line: got.line };
        continue;
      }
      if (r['id'] !== request.id)
        return fault('wrong-id', `answered id ${clip(JSON.stringify(r['id']) ?? 'undefined', 80)} to request ${request.id}`);
      const hasOutput = 'output' in r && isObject(r['output']);
      const hasError = 'error' in r && isObject(r['error']) && typeof r['error']['code'] === 'string';
      const unsupported = r['unsupported'] === true;
      const kinds = ['output', 'error', 'unsupported'].filter((k) => k in r).length;
      if (Number(hasOutput) + Number(hasError) + Number(unsupported) !== 1 || kinds !== 1) {
        return fault(
          'bad-message',
          `a response needs exactly one of output (an object), error {code}, unsupported: true: ${clip(got.line)}`,
        );
      }
      this.#answered = request.id;
      return { kind: 'response', response: r as unknown as Response, ...(extra ? { extra } : {}) };
    }
  }

  /**
   * Closes stdin and waits briefly for the port to exit, then kills it (and what it started). Resolves to the
   * first line the port wrote after its last answer, if any: a second answer to the last request.
   * After a fault the port is already killed; closing it then only lets go of it.
   */
  async close(): Promise<{ readonly extra?: ExtraLine }> {
    let extra: ExtraLine | undefined;
    if (!this.#dead) {
      this.#dead = true;
      this.#proc.child.stdin.end();
      await this.#lines.whenEnded(EXIT_GRACE_MS);
      const late = this.#lines.drain();
      if (late.length > 0 && this.#answered !== undefined) extra = { id: this.#answered, line: late[0]! };
    }
    release(this.#proc);
    return extra === undefined ? {} : { extra };
  }

  #fault(fault: FaultKind, detail: string): Reply & { kind: 'fault' } {
    this.#dead = true;
    release(this.#proc);
    return { kind: 'fault', fault, detail };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function helloProblem(h: unknown): string | undefined {
  if (!isObject(h)) return 'not an object';
  if (h['type'] !== 'hello') return 'type is not "hello"';
  if (h['protocol'] !== PROTOCOL) return `protocol is not "${PROTOCOL}"`;
  if (typeof h['name'] !== 'string' || h['name'] === '') return 'no name';
  if (typeof h['version'] !== 'string') return 'no version';
  const s = h['supports'];
  if (!isObject(s)) return 'supports is not an object';
  for (const ops of Object.values(s)) {
    if (!Array.isArray(ops) || !ops.every((o) => typeof o === 'string')) return 'supports must map schemes to lists of operations';
  }
  return undefined;
}
