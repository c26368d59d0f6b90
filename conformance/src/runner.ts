import { clip } from './internal/lines.js';
import { Port, type ExtraLine, type FaultKind } from './port.js';
import type { Hello, Scheme } from './protocol.js';
import { judge } from './judge.js';
import type { VectorFile } from './vectors.js';

export interface Implementation {
  /** A label for reports; defaults to the port's own name from its hello. */
  readonly name?: string;
  /** The shell command that starts the port. */
  readonly command: string;
  readonly cwd?: string;
}

export type CaseStatus = 'pass' | 'fail' | 'unsupported';

export interface CaseResult {
  readonly file: string;
  readonly id: string;
  readonly status: CaseStatus;
  /** For a failure: the first stage that differs (`target`, `stringToSign`, `error`, `result`) or the port fault. */
  readonly stage?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly detail?: string;
}

export interface ImplementationReport {
  readonly name: string;
  readonly command: string;
  readonly hello?: Hello;
  readonly results: readonly CaseResult[];
  readonly durationMs: number;
  /** Whether cases the port does not support were counted as failures (the run's `strict` option). */
  readonly strict: boolean;
  /**
   * Why the port could not be started (or restarted), when it could not: every case from then on failed with this
   * fault, unsent.
   */
  readonly startFault?: { readonly fault: FaultKind; readonly detail: string };
}

export interface RunOptions {
  /** Time allowed per request (default 10 s). */
  readonly timeoutMs?: number;
  /** Time allowed for the hello (default 20 s). */
  readonly startTimeoutMs?: number;
  /** The longest line accepted from a port (default 16 Mi characters). */
  readonly maxLineLength?: number;
  /**
   * After this many faults in a row within one vector file, the file's remaining cases are not sent and fail as
   * `port:skipped` (default 3), so a port that hangs on every request costs a few timeouts, not one per vector.
   */
  readonly maxConsecutiveFaults?: number;
  /** Only cases whose id or file name contains this text. */
  readonly filter?: string;
  /**
   * Count cases the port does not support (an operation its hello does not list, or an `unsupported` answer) as
   * failures, at stage `unsupported`, rather than apart (default false).
   */
  readonly strict?: boolean;
}

/**
 * Drives one implementation through every vector. A port that crashes, hangs or answers badly fails the case at
 * hand with the fault named, and is restarted for the next one; a port that cannot start fails every case.
 */
export async function runImplementation(
  impl: Implementation,
  files: readonly VectorFile[],
  options: RunOptions = {},
): Promise<ImplementationReport> {
  const started = Date.now();
  const results: CaseResult[] = [];
  const portOptions = {
    command: impl.command,
    cwd: impl.cwd,
    timeoutMs: options.timeoutMs,
    startTimeoutMs: options.startTimeoutMs,
    maxLineLength: options.maxLineLength,
  };
  const maxFaults = options.maxConsecutiveFaults ?? 3;
  let port: Port | undefined;
  let hello: Hello | undefined;
  let startFault: { fault: FaultKind; detail: string } | undefined;

  const strict = options.strict === true;
  const unsupported = (base: { file: string; id: string }, detail: string): CaseResult =>
    strict
      ? { ...base, status: 'fail', stage: 'unsupported', detail: `${detail} (strict: counted as a failure)` }
      : { ...base, status: 'unsupported', detail };
  // A line a port wrote after an answer fails the case that was answered, whatever its verdict was.
  const blame = (extra: ExtraLine | undefined): void => {
    if (extra === undefined) return;
    let i = results.length - 1;
    while (i >= 0 && results[i]!.id !== extra.id) i--;
    const r = results[i];
    if (r === undefined) return;
    const detail = `answered twice: after its answer the port wrote ${clip(extra.line)}`;
    results[i] =
      r.status === 'fail'
        ? { ...r, detail: r.detail ? `${r.detail}; then ${detail}` : detail }
        : { file: r.file, id: r.id, status: 'fail', stage: 'port:extra-line', detail };
  };

  for (const file of files) {
    let faults = 0;
    for (const c of file.cases) {
      if (options.filter !== undefined && !c.id.includes(options.filter) && !file.name.includes(options.filter)) continue;
      const base = { file: file.name, id: c.id };
      if (startFault !== undefined) {
        results.push({ ...base, status: 'fail', stage: `port:${startFault.fault}`, detail: startFault.detail });
        continue;
      }
      if (faults >= maxFaults) {
        results.push({ ...base, status: 'fail', stage: 'port:skipped', detail: `not sent: the port failed ${faults} requests in a row` });
        continue;
      }
      if (port === undefined || !port.alive) {
        if (port !== undefined) blame((await port.close()).extra);
        const s = await Port.start(portOptions);
        if ('fault' in s) {
          startFault = s;
          results.push({ ...base, status: 'fail', stage: `port:${s.fault}`, detail: s.detail });
          continue;
        }
        port = s.port;
        hello ??= port.hello;
      }
      if (!supports(port.hello, file.scheme, file.operation)) {
        results.push(unsupported(base, `the hello does not list ${file.scheme} ${file.operation}`));
        continue;
      }
      const reply = await port.request({ type: 'request', id: c.id, scheme: file.scheme, operation: file.operation, input: c.input });
      blame(reply.extra);
      if (reply.kind === 'fault') {
        faults++;
        results.push({ ...base, status: 'fail', stage: `port:${reply.fault}`, detail: reply.detail });
        continue;
      }
      faults = 0;
      if ('unsupported' in reply.response) {
        results.push(unsupported(base, 'the port answered unsupported'));
        continue;
      }
      const verdict = judge(c.expected, reply.response);
      if (verdict.pass) results.push({ ...base, status: 'pass' });
      else {
        const message = 'error' in reply.response ? reply.response.error.message : undefined;
        results.push({
          ...base,
          status: 'fail',
          stage: verdict.stage,
          expected: verdict.expected,
          actual: verdict.actual,
          ...(typeof message === 'string' && message ? { detail: message } : {}),
        });
      }
    }
  }
  if (port !== undefined) blame((await port.close()).extra);
  return {
    name: impl.name ?? hello?.name ?? impl.command,
    command: impl.command,
    ...(hello ? { hello } : {}),
    results,
    durationMs: Date.now() - started,
    strict,
    ...(startFault ? { startFault: { fault: startFault.fault, detail: startFault.detail } } : {}),
  };
}

function supports(hello: Hello, scheme: Scheme, operation: string): boolean {
  const ops = hello.supports[scheme];
  return Array.isArray(ops) && ops.includes(operation);
}

/** Totals over reports. */
export function totals(reports: ReadonlyArray<Pick<ImplementationReport, 'results'>>): {
  passed: number;
  failed: number;
  unsupported: number;
} {
  let passed = 0;
  let failed = 0;
  let unsupported = 0;
  for (const r of reports) {
    for (const c of r.results) {
      if (c.status === 'pass') passed++;
      else if (c.status === 'fail') failed++;
      else unsupported++;
    }
  }
  return { passed, failed, unsupported };
}
