import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PROTOCOL, type Hello, type Request, type Response } from './protocol.js';

/** Why a port gave no usable answer. */
export type FaultKind = 'timeout' | 'crash' | 'non-json' | 'wrong-id' | 'bad-message' | 'start';

export type Reply = { readonly kind: 'response'; readonly response: Response } | { readonly kind: 'fault'; readonly fault: FaultKind; readonly detail: string };

export interface PortOptions {
  /** A shell command line that starts the port. */
  readonly command: string;
  readonly cwd?: string;
  /** How long one request may take before the port counts as hung (default 10 s). */
  readonly timeoutMs?: number;
  /** How long the port may take to say hello (default 20 s). */
  readonly startTimeoutMs?: number;
}

const MAX_LINE = 16 * 1024 * 1024;
const STDERR_KEEP = 4096;

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

  /** Starts a port and waits for its hello line. */
  static async start(options: PortOptions): Promise<{ port: Port } | { fault: FaultKind; detail: string }> {
    const child = spawn(options.command, { shell: true, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    const lines = new LineReader(child);
    const first = await lines.next(options.startTimeoutMs ?? 20_000);
    const fail = (fault: FaultKind, detail: string) => {
      kill(child);
      return { fault, detail };
    };
    if (first.kind === 'fault') return fail(first.fault === 'timeout' ? 'start' : first.fault, `no hello: ${first.detail}`);
    let hello: unknown;
    try {
      hello = JSON.parse(first.line);
    } catch {
      return fail('non-json', `the first line is not JSON: ${clip(first.line)}`);
    }
    const h = hello as Partial<Hello>;
    if (h === null || typeof h !== 'object' || h.type !== 'hello' || h.protocol !== PROTOCOL || typeof h.name !== 'string' || typeof h.supports !== 'object' || h.supports === null) {
      return fail('bad-message', `the first line is not a ${PROTOCOL} hello: ${clip(first.line)}`);
    }
    return { port: new Port(child, lines, hello as Hello, options.timeoutMs ?? 10_000) };
  }

  get alive(): boolean {
    return !this.#dead;
  }

  /** The last few KiB the port wrote to stderr, for a failure report. */
  get stderr(): string {
    return this.#lines.stderr;
  }

  /** Sends one request and waits for its response. */
  async request(request: Request): Promise<Reply> {
    if (this.#dead) return { kind: 'fault', fault: 'crash', detail: 'the port is no longer running' };
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
    if (r === null || typeof r !== 'object' || r['type'] !== 'response') {
      return this.#fault('bad-message', `wrote something other than a response: ${clip(got.line)}`);
    }
    if (r['id'] !== request.id) return this.#fault('wrong-id', `answered id ${JSON.stringify(r['id'])} to request ${request.id}`);
    const hasOutput = r['output'] !== null && typeof r['output'] === 'object' && !Array.isArray(r['output']);
    const err = r['error'] as Record<string, unknown> | undefined;
    const hasError = err !== null && typeof err === 'object' && typeof err['code'] === 'string';
    const unsupported = r['unsupported'] === true;
    if (Number(hasOutput) + Number(hasError) + Number(unsupported) !== 1) {
      return this.#fault('bad-message', `a response needs exactly one of output, error{code}, unsupported: ${clip(got.line)}`);
    }
    return { kind: 'response', response: r as unknown as Response };
  }

  /** Closes stdin and waits briefly for the port to exit, then kills it. */
  async close(): Promise<void> {
    if (this.#dead) return;
    this.#dead = true;
    this.#child.stdin.end();
    const exited = await this.#lines.exited(2000);
    if (!exited) kill(this.#child);
  }

  #fault(fault: FaultKind, detail: string): Reply {
    this.#dead = true;
    kill(this.#child);
    return { kind: 'fault', fault, detail };
  }
}

type Line = { kind: 'line'; line: string } | { kind: 'fault'; fault: 'timeout' | 'crash' | 'bad-message'; detail: string };

/** Splits a child's stdout into lines; every wait has a deadline and ends early if the child exits. */
class LineReader {
  stderr = '';
  #buffer = '';
  readonly #ready: string[] = [];
  #waiter: ((l: Line) => void) | undefined;
  #exit: string | undefined;
  #overflow = false;
  readonly #exitWaiters: Array<() => void> = [];

  constructor(child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdin.on('error', () => {}); // EPIPE after the port died: reported through 'exit'
    child.stdout.on('data', (chunk: string) => this.#data(chunk));
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    child.on('error', (err) => this.#exited(`could not start: ${err.message}`));
    child.on('exit', (code, signal) => this.#exited(signal ? `exited on signal ${signal}` : `exited with code ${code}`));
  }

  #data(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) !== -1) {
      this.#ready.push(this.#buffer.slice(0, nl).replace(/\r$/, ''));
      this.#buffer = this.#buffer.slice(nl + 1);
    }
    if (this.#buffer.length > MAX_LINE) {
      this.#overflow = true;
      this.#buffer = '';
    }
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
    if (this.#overflow) return { kind: 'fault', fault: 'bad-message', detail: `wrote a line longer than ${MAX_LINE} bytes` };
    const line = this.#ready.shift();
    if (line !== undefined) return { kind: 'line', line };
    if (this.#exit !== undefined) return { kind: 'fault', fault: 'crash', detail: `the port ${this.#exit}${this.stderr ? `; stderr: ${clip(this.stderr)}` : ''}` };
    return undefined;
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
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The port runs in its own process group (detached), so the shell and everything it started go together.
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
