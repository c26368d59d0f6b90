import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PROTOCOL, type Hello, type Request, type Response } from './protocol.js';

/**
 * Why a port gave no usable answer: `start` (no hello in time), `timeout` (no answer in time), `crash` (the
 * process exited), `non-json` (a line that is not JSON), `wrong-id` (a response to another request),
 * `bad-message` (JSON, but not a hello or response of the protocol), `too-long` (a line over the length limit),
 * `skipped` (not sent: the port failed too many times in a row).
 */
export type FaultKind = 'start' | 'timeout' | 'crash' | 'non-json' | 'wrong-id' | 'bad-message' | 'too-long' | 'skipped';

export type Reply = { readonly kind: 'response'; readonly response: Response } | { readonly kind: 'fault'; readonly fault: FaultKind; readonly detail: string };

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
const STDERR_KEEP = 4096;

// Ports still running when the runner's process exits (an uncaught error, process.exit from a test) are killed,
// so that a hung port never outlives the run.
const running = new Set<ChildProcessWithoutNullStreams>();
let exitHook = false;
function track(child: ChildProcessWithoutNullStreams): void {
  running.add(child);
  child.once('close', () => running.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of running) kill(c);
    });
  }
}

/**
 * One running port process. Every wait is bounded: a port that hangs, dies, writes garbage or answers out of
 * order yields a fault, never a hang or an exception. After a fault the port is killed; start a new one to go on.
 */
export class Port {
  readonly hello: Hello;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: LineReader;
  readonly #timeoutMs: number;
  #dead = false;

  private constructor(child: ChildProcessWithoutNullStreams, lines: LineReader, hello: Hello, timeoutMs: number) {
    this.#child = child;
    this.#lines = lines;
    this.hello = hello;
    this.#timeoutMs = timeoutMs;
  }

  /** Starts a port and waits for its hello line. Never throws: a port that cannot start gives a fault. */
  static async start(options: PortOptions): Promise<{ readonly port: Port } | { readonly fault: FaultKind; readonly detail: string }> {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(options.command, { shell: true, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    } catch (err) {
      return { fault: 'start', detail: `could not start: ${(err as Error).message}` };
    }
    track(child);
    const lines = new LineReader(child, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
    const first = await lines.next(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    const fail = (fault: FaultKind, detail: string) => {
      kill(child);
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
    return { port: new Port(child, lines, hello as Hello, options.timeoutMs ?? DEFAULT_TIMEOUT_MS) };
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
    // A line written before this request was sent answers nothing: the port is out of step.
    const early = this.#lines.pending();
    if (early !== undefined) return this.#fault('bad-message', `wrote a line that answers no request: ${clip(early)}`);
    this.#child.stdin.write(JSON.stringify(request) + '\n');
    const got = await this.#lines.next(this.#timeoutMs);
    if (got.kind === 'fault') return this.#fault(got.fault, got.detail);
    let msg: unknown;
    try {
      msg = JSON.parse(got.line);
    } catch {
      return this.#fault('non-json', `wrote a line that is not JSON: ${clip(got.line)}`);
    }
    const r = msg as Record<string, unknown> | null;
    if (r === null || typeof r !== 'object' || Array.isArray(r) || r['type'] !== 'response') {
      return this.#fault('bad-message', `wrote something other than a response: ${clip(got.line)}`);
    }
    if (r['id'] !== request.id) return this.#fault('wrong-id', `answered id ${clip(JSON.stringify(r['id']) ?? 'undefined', 80)} to request ${request.id}`);
    const hasOutput = 'output' in r && isObject(r['output']);
    const hasError = 'error' in r && isObject(r['error']) && typeof r['error']['code'] === 'string';
    const unsupported = r['unsupported'] === true;
    const kinds = ['output', 'error', 'unsupported'].filter((k) => k in r).length;
    if (Number(hasOutput) + Number(hasError) + Number(unsupported) !== 1 || kinds !== 1) {
      return this.#fault('bad-message', `a response needs exactly one of output (an object), error {code}, unsupported: true: ${clip(got.line)}`);
    }
    return { kind: 'response', response: r as unknown as Response };
  }

  /**
   * Closes stdin and waits briefly for the port to exit, then kills it (and what it started) and waits for that.
   * After a fault the port is already killed; closing it then only waits until it is gone.
   */
  async close(): Promise<void> {
    if (!this.#dead) {
      this.#dead = true;
      this.#child.stdin.end();
      await this.#lines.exited(2000);
    }
    kill(this.#child);
    await this.#lines.exited(2000);
  }

  #fault(fault: FaultKind, detail: string): Reply {
    this.#dead = true;
    kill(this.#child);
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

type Line = { kind: 'line'; line: string } | { kind: 'fault'; fault: 'timeout' | 'crash' | 'too-long'; detail: string };

/** Splits a child's stdout into lines; every wait has a deadline and ends early if the child exits. */
class LineReader {
  stderr = '';
  #buffer = '';
  readonly #ready: string[] = [];
  readonly #maxLine: number;
  #waiter: ((l: Line) => void) | undefined;
  #exit: string | undefined;
  #overflow = false;
  readonly #exitWaiters: Array<() => void> = [];

  constructor(child: ChildProcessWithoutNullStreams, maxLine: number) {
    this.#maxLine = maxLine;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // EPIPE after the port died, or a stream error: reported through 'exit' or the timeout.
    child.stdin.on('error', () => {});
    child.stdout.on('error', () => {});
    child.stderr.on('error', () => {});
    child.stdout.on('data', (chunk: string) => this.#data(chunk));
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    child.on('error', (err) => this.#exited(`could not start: ${err.message}`));
    // 'close', not 'exit': it comes after the last of stdout, so an answer written just before exiting still counts.
    child.on('close', (code, signal) => this.#exited(signal ? `exited on signal ${signal}` : `exited with code ${code}`));
  }

  #data(chunk: string): void {
    if (this.#overflow) return;
    // Only the new chunk is searched for newlines, so a long line costs linear time.
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', start)) !== -1) {
      const line = this.#buffer + chunk.slice(start, nl);
      this.#buffer = '';
      start = nl + 1;
      if (line.length > this.#maxLine + 1) {
        this.#overflow = true;
        break;
      }
      this.#ready.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (!this.#overflow) {
      this.#buffer += chunk.slice(start);
      if (this.#buffer.length > this.#maxLine) this.#overflow = true;
    }
    if (this.#overflow) this.#buffer = '';
    this.#wake();
  }

  #exited(why: string): void {
    if (this.#exit === undefined) this.#exit = why;
    this.#wake();
    for (const w of this.#exitWaiters.splice(0)) w();
  }

  #wake(): void {
    const w = this.#waiter;
    if (w === undefined) return;
    const line = this.#take();
    if (line !== undefined) {
      this.#waiter = undefined;
      w(line);
    }
  }

  #take(): Line | undefined {
    const line = this.#ready.shift();
    if (line !== undefined) return { kind: 'line', line };
    if (this.#overflow) return { kind: 'fault', fault: 'too-long', detail: `wrote a line longer than ${this.#maxLine} characters` };
    if (this.#exit !== undefined) return { kind: 'fault', fault: 'crash', detail: `the port ${this.#exit}${this.stderr ? `; stderr: ${clip(this.stderr)}` : ''}` };
    return undefined;
  }

  /** A complete line that arrived while nobody was waiting, if any. */
  pending(): string | undefined {
    return this.#ready[0];
  }

  next(timeoutMs: number): Promise<Line> {
    const now = this.#take();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve({ kind: 'fault', fault: 'timeout', detail: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.#waiter = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
    });
  }

  exited(timeoutMs: number): Promise<boolean> {
    if (this.#exit !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

function kill(child: ChildProcessWithoutNullStreams): void {
  try {
    // The port runs in its own process group (detached), so the shell and everything it started go together,
    // also after the shell itself has exited (a process group's id is not reused while any member lives).
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  } catch {
    // ESRCH: nothing left to kill.
  }
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
