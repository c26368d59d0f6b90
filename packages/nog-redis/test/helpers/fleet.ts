import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RedisNonceStoreMetrics, RedisNonceStoreOptions } from '@reqsign/nog-redis';

const WORKER = fileURLToPath(new URL('./verifier.worker.mjs', import.meta.url));

/** One verification a process made. `started` is its wall clock (ms), `ms` how long the verification took. */
export interface Verification {
  readonly url: string;
  readonly ok: boolean;
  readonly code?: string;
  readonly started: number;
  readonly ms: number;
}

export type ConnectSpec =
  | { redis?: string; kind: 'client'; url: string }
  | { redis?: string; kind: 'cluster'; rootNodes: ReadonlyArray<{ url: string }>; refreshMs?: number }
  | { redis?: string; kind: 'sentinel'; name: string; sentinels: ReadonlyArray<{ host: string; port: number }> };

/** A verifier process (test/helpers/verifier.worker.mjs): its own Redis connection, store and verifier. */
export interface VerifierProcess {
  readonly pid: number;
  /** Verifies these signed URLs at once (GET). */
  verify(urls: readonly string[]): Promise<Verification[]>;
  /** Starts verifying fresh signed requests for `path/...`, `concurrency` at a time, until {@link stop}. */
  load(concurrency: number, path: string): Promise<void>;
  /** Stops the load and returns every verification it made. */
  stop(): Promise<Verification[]>;
  metrics(): Promise<RedisNonceStoreMetrics>;
  /** Replaces the process's store (and verifier) with one of these options, on the same connection. */
  configure(store: StoreOptions): Promise<void>;
  close(): Promise<void>;
}

type StoreOptions = Omit<RedisNonceStoreOptions, 'client' | 'onClaim'>;

export async function startVerifier(spec: ConnectSpec, store: StoreOptions = {}): Promise<VerifierProcess> {
  const child: ChildProcess = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let exited = false;
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`verifier process exited with ${code} before it was ready`)));
  });
  child.on('message', (m: { id: number; value?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.value);
  });
  child.on('exit', () => {
    exited = true;
    for (const w of waiting.values()) w.reject(new Error('verifier process exited'));
  });
  const call = <T>(type: string, args: object = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error('verifier process exited'));
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, type, ...args });
    });
  await call('connect', { spec, store });
  return {
    pid: child.pid!,
    verify: (urls) => call('verify', { urls }),
    load: (concurrency, path) => call('load', { concurrency, path }),
    stop: () => call('stop'),
    metrics: () => call('metrics'),
    configure: (store) => call('configure', { store }),
    async close() {
      if (exited) return;
      await call('close').catch(() => {});
      child.kill('SIGKILL');
    },
  };
}
