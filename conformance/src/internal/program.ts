import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EPIPE_STATUS = 128 + constants.signals.SIGPIPE;

/**
 * Writes to stdout or stderr, and ends the process (141) at once when the reader has gone: a write to a closed pipe
 * fails synchronously, while its 'error' event would come only after the run had gone on.
 */
export function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(text);
  if ((stream.errored as NodeJS.ErrnoException | null)?.code === 'EPIPE') process.exit(EPIPE_STATUS);
}

/**
 * Process-level behaviour of the CLI while a run is on. SIGINT, SIGTERM or SIGHUP (Ctrl-C, `kill`, `timeout`, a
 * closed terminal) end the process with 128 + the signal's number, the status a shell gives a process the signal
 * killed; a stdout or stderr whose reader has gone (`| head`) ends it quietly with 141, SIGPIPE's status, instead of
 * an EPIPE stack trace. Either way the `exit` handler of `internal/processes.ts` kills every port still running
 * (its process group and whatever holds its pipes), so none outlives the runner. Returns a function that removes
 * the handlers again.
 */
export function guardRun(): () => void {
  const onSignal = (signal: NodeJS.Signals): void => process.exit(128 + constants.signals[signal]);
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EPIPE_STATUS);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  return () => {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.stdout.off('error', onError);
    process.stderr.off('error', onError);
  };
}
