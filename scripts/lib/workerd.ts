/**
 * workerd, Cloudflare's Workers runtime, started from a Cap'n Proto config of our own: the `workerd` npm package in
 * tools/runtimes brings the binary through its platform package (`@cloudflare/workerd-linux-64`), with no install
 * script needed. A worker is one or more ES modules (bundled here with esbuild for the `workerd` export condition),
 * served on a loopback port that workerd picks and reports on its control fd; Durable Object namespaces keep their
 * storage on local disk (SQLite files under `storageDir`), so a stopped and restarted workerd finds it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { build } from 'esbuild';
import { WORKERD } from './programs.js';

export { WORKERD };

/** The binary must exist: a missing workerd fails the suite (it is never skipped). */
export function requireWorkerd(): string {
  if (!existsSync(WORKERD))
    throw new Error(`workerd is not installed at ${WORKERD}: run \`npm ci\` (its postinstall installs tools/runtimes)`);
  return WORKERD;
}

/** A worker's sources as one ES module: esbuild for the `workerd` condition (WebCrypto builds, no node:*). */
export async function bundleWorker(entry: string): Promise<{ code: string; inputs: string[] }> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    external: ['cloudflare:*'],
    metafile: true,
    logLevel: 'silent',
  });
  return { code: r.outputFiles[0]!.text, inputs: Object.keys(r.metafile.inputs) };
}

export type Binding =
  | { readonly name: string; readonly text: string }
  | { readonly name: string; readonly json: unknown }
  | { readonly name: string; readonly durableObjectNamespace: string };

export interface WorkerdOptions {
  /** The worker's main module, an ES module's source. */
  readonly code: string;
  readonly bindings?: readonly Binding[];
  /** Durable Object classes the module exports, each a namespace with its `uniqueKey` (its folder in storage). */
  readonly durableObjects?: readonly { readonly className: string; readonly uniqueKey: string }[];
  /** Where Durable Objects keep their storage (created if missing); without it, storage is in memory. */
  readonly storageDir?: string;
  readonly compatibilityDate?: string;
}

export interface Workerd {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ChildProcess;
  /** What workerd wrote to stderr so far (the worker's console goes there with --verbose). */
  stderr(): string;
  /** Stops workerd (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const capnpString = (s: string): string => JSON.stringify(s);

/** Every workerd still running, killed when this process exits (a test file that dies leaves none behind). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function bindingConfig(b: Binding): string {
  if ('text' in b) return `(name = ${capnpString(b.name)}, text = ${capnpString(b.text)})`;
  if ('json' in b) return `(name = ${capnpString(b.name)}, json = ${capnpString(JSON.stringify(b.json))})`;
  return `(name = ${capnpString(b.name)}, durableObjectNamespace = ${capnpString(b.durableObjectNamespace)})`;
}

/** The Cap'n Proto config of one worker on one loopback socket (port 0: workerd picks it and reports it). */
export function workerdConfig(options: WorkerdOptions, moduleFile: string): string {
  return workerdSetConfig([options], [moduleFile]);
}

/**
 * The config of several workers, each on a loopback socket of its own (`http`, then `http1`, `http2`, ...), served by
 * one workerd process; Durable Object storage goes under the first `storageDir` given.
 */
export function workerdSetConfig(workers: readonly WorkerdOptions[], moduleFiles: readonly string[]): string {
  const storageDir = workers.find((w) => w.storageDir !== undefined)?.storageDir;
  const services: string[] = [];
  const sockets: string[] = [];
  const consts: string[] = [];
  workers.forEach((options, i) => {
    const service = i === 0 ? 'main' : `main${i}`;
    const constName = i === 0 ? 'worker' : `worker${i}`;
    services.push(`(name = ${capnpString(service)}, worker = .${constName})`);
    sockets.push(`(name = ${capnpString(socketName(i))}, address = "127.0.0.1:0", http = (), service = ${capnpString(service)})`);
    const dos = options.durableObjects ?? [];
    const worker = [
      `modules = [ (name = "worker.js", esModule = embed ${capnpString(basename(moduleFiles[i]!))}) ]`,
      `compatibilityDate = ${capnpString(options.compatibilityDate ?? '2025-09-01')}`,
      `bindings = [ ${(options.bindings ?? []).map(bindingConfig).join(', ')} ]`,
    ];
    if (dos.length > 0) {
      worker.push(
        `durableObjectNamespaces = [ ${dos
          .map((d) => `(className = ${capnpString(d.className)}, uniqueKey = ${capnpString(d.uniqueKey)}, enableSql = true)`)
          .join(', ')} ]`,
        `durableObjectStorage = ${options.storageDir !== undefined ? '(localDisk = "do-storage")' : '(inMemory = void)'}`,
      );
    }
    consts.push(`const ${constName} :Workerd.Worker = (\n  ${worker.join(',\n  ')},\n);`);
  });
  if (storageDir !== undefined) {
    services.push(`(name = "do-storage", disk = (path = ${capnpString(storageDir)}, writable = true))`);
  }
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    'const config :Workerd.Config = (',
    `  services = [ ${services.join(', ')} ],`,
    `  sockets = [ ${sockets.join(', ')} ],`,
    ');',
    ...consts,
    '',
  ].join('\n');
}

const socketName = (i: number): string => (i === 0 ? 'http' : `http${i}`);

/** The `listen` events on the control fd: the port workerd bound for each of `count` sockets, in order. */
function listenPorts(control: Readable, child: ChildProcess, stderr: () => string, timeoutMs: number, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const ports = new Map<string, number>();
    const timer = setTimeout(() => done(new Error(`workerd did not listen within ${timeoutMs} ms: ${stderr()}`)), timeoutMs);
    const onExit = (code: number | null, signal: string | null): void =>
      done(new Error(`workerd exited (${code ?? signal}) before listening: ${stderr()}`));
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (event.event === 'listen' && typeof event.socket === 'string' && typeof event.port === 'number') {
          ports.set(event.socket, event.port);
          if (ports.size === count) {
            done(
              undefined,
              Array.from({ length: count }, (_, i) => ports.get(socketName(i))!),
            );
            return;
          }
        }
      }
    };
    function done(err: Error | undefined, found?: number[]): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      control.off('data', onData);
      if (err) reject(err);
      else resolve(found!);
    }
    child.on('exit', onExit);
    control.on('data', onData);
  });
}

/** Starts workerd on a worker; resolves once it listens on loopback. */
export async function startWorkerd(options: WorkerdOptions, startTimeoutMs = 60_000): Promise<Workerd> {
  const set = await startWorkerdSet([options], startTimeoutMs);
  return { url: set.urls[0]!, process: set.process, stderr: set.stderr, stop: set.stop };
}

/** Several workers served by one workerd process (one start for a test file); `urls` in the order given. */
export interface WorkerdSet extends Omit<Workerd, 'url'> {
  readonly urls: readonly string[];
}

/** Starts one workerd on several workers, each on a loopback port of its own; resolves once all listen. */
export async function startWorkerdSet(workers: readonly WorkerdOptions[], startTimeoutMs = 60_000): Promise<WorkerdSet> {
  const bin = requireWorkerd();
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-workerd-'));
  const moduleFiles = workers.map((w, i) => {
    const file = join(dir, i === 0 ? 'worker.js' : `worker${i}.js`);
    writeFileSync(file, w.code);
    if (w.storageDir !== undefined) mkdirSync(w.storageDir, { recursive: true });
    return file;
  });
  const configFile = join(dir, 'config.capnp');
  writeFileSync(configFile, workerdSetConfig(workers, moduleFiles));
  const child = spawn(bin, ['serve', configFile, '--verbose', '--control-fd=3'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const stderr = (): string => err;
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  let ports: number[];
  try {
    ports = await listenPorts(child.stdio[3] as Readable, child, stderr, startTimeoutMs, workers.length);
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    throw e;
  }
  return {
    urls: ports.map((port) => `http://127.0.0.1:${port}`),
    process: child,
    stderr,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}
