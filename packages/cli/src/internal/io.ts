/** Where a command writes and what environment it reads; the process's own by default, a buffer in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Standard input as text, for a URL given as `-`: at most `maxBytes` bytes, else it rejects. Without it, `-`
   * is a usage error.
   */
  readonly stdin?: (maxBytes: number) => Promise<string>;
  /**
   * Whether `stdout` is a terminal: `reqsign conformance` colours its summary only then, and never with `NO_COLOR`
   * set. Without it, no colour (a pipe, a file, a buffer).
   */
  readonly isTerminal?: () => boolean;
  /**
   * Whether `stderr` is a terminal: `reqsign nops keygen` shows its progress there only then. Without it, no
   * progress.
   */
  readonly isErrorTerminal?: () => boolean;
}

/** Reads the process's stdin up to `maxBytes`; more is a usage error (the rest is not read). */
async function readProcessStdin(maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      process.stdin.destroy();
      throw new UsageError(`standard input holds more than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  stdin: readProcessStdin,
  isTerminal: () => process.stdout.isTTY === true,
  isErrorTerminal: () => process.stderr.isTTY === true,
};

/** Exit codes: 0 done (or valid), 1 verified invalid, 2 usage error, bad argument, unreadable key. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** A bad command line or an unreadable input: one line on stderr, exit 2. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One line for stderr from any error: its message, and its stable code when it has one. */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  const oneLine = message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return typeof code === 'string' && code !== 'ERR_USAGE' ? `${oneLine} (${code})` : oneLine;
}
