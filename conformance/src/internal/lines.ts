import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** What a port may still say: a line, or why no line will come. */
export type Line =
  | { readonly kind: 'line'; readonly line: string }
  | { readonly kind: 'fault'; readonly fault: 'timeout' | 'crash' | 'stdout-closed' | 'too-long'; readonly detail: string };

const STDERR_KEEP = 4096;
/**
 * How long the end of a port's stdout and the exit of its process may lie apart and still count as one event: an
 * exiting process closes its stdout, and the two reach the runner in either order, a moment apart.
 */
export const SETTLE_MS = 200;

/**
 * Splits a port's stdout into lines. Every wait has a deadline and ends as soon as no line can come: at once when
 * the port exits (even if a process it started still holds its stdout) or closes its stdout while it runs.
 */
export class LineReader {
  stderr = '';
  #buffer = '';
  readonly #ready: string[] = [];
  readonly #maxLine: number;
  #waiter: ((l: Line) => void) | undefined;
  #overflow = false;
  #eof = false;
  #exit: string | undefined;
  /** Set once the port is known to be done: exited (stdout closed or not), or closed its stdout and kept running. */
  #ended: { fault: 'crash' | 'stdout-closed'; detail: string } | undefined;
  #settle: ReturnType<typeof setTimeout> | undefined;
  readonly #endWaiters: Array<() => void> = [];

  constructor(child: ChildProcessWithoutNullStreams, maxLine: number) {
    this.#maxLine = maxLine;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // EPIPE after the port died, or a stream error: reported through the end of stdout, the exit or the timeout.
    child.stdin.on('error', () => {});
    child.stdout.on('error', () => {});
    child.stderr.on('error', () => {});
    child.stdout.on('data', (chunk: string) => this.#data(chunk));
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    child.stdout.on('end', () => {
      this.#eof = true;
      if (this.#exit !== undefined) this.#end();
      else this.#settleLater();
    });
    child.on('error', (err) => {
      this.#exit = `could not start: ${err.message}`;
      this.#end();
    });
    child.on('exit', (code, signal) => {
      this.#exit = signal ? `exited on signal ${signal}` : `exited with code ${code}`;
      if (this.#eof) this.#end();
      else this.#settleLater();
    });
  }

  /** Whether the port is done: no line will come after those already read. */
  get ended(): boolean {
    return this.#ended !== undefined;
  }

  #settleLater(): void {
    this.#settle ??= setTimeout(() => this.#end(), SETTLE_MS);
  }

  #end(): void {
    if (this.#ended !== undefined) return;
    clearTimeout(this.#settle);
    const tail = this.stderr.trimEnd();
    const stderr = tail ? `; stderr: ${clip(tail)}` : '';
    if (this.#exit === undefined) {
      this.#ended = { fault: 'stdout-closed', detail: `the port closed its stdout but is still running${stderr}` };
    } else if (!this.#eof) {
      this.#ended = { fault: 'crash', detail: `the port ${this.#exit}, and a process it started still holds its stdout${stderr}` };
    } else {
      this.#ended = { fault: 'crash', detail: `the port ${this.#exit}${stderr}` };
    }
    this.#wake();
    for (const w of this.#endWaiters.splice(0)) w();
  }

  #data(chunk: string): void {
    if (this.#overflow) return;
    // Only the new chunk is searched for newlines, so a long line costs linear time.
    let start = 0;
    for (let nl = chunk.indexOf('\n', start); nl !== -1; nl = chunk.indexOf('\n', start)) {
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
    if (this.#ended !== undefined) return { kind: 'fault', ...this.#ended };
    return undefined;
  }

  /** The complete lines that arrived while nobody was waiting, taken out of the reader. */
  drain(): string[] {
    return this.#ready.splice(0);
  }

  /** The next line, or why none comes, within `timeoutMs`. */
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

  /** Resolves `true` once the port is done (see {@link ended}), `false` after `timeoutMs`. */
  whenEnded(timeoutMs: number): Promise<boolean> {
    if (this.#ended !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#endWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
