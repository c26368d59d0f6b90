import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real `redis-server` processes for the tests, each on its own free loopback port, so that a test can stop one
 * (the "Redis went down" case) and start it again on the same port.
 */
export const REDIS_BINARY = process.env.REQSIGN_REDIS_SERVER ?? 'redis-server';

/** Whether the binary runs at all (the suites call `requirePrograms('redis-server')` first, so it fails, never skips). */
export function redisServerInstalled(): boolean {
  const probe = spawnSync(REDIS_BINARY, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && /Redis server/.test(probe.stdout);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Whether the process is running (started and not stopped). */
  readonly running: boolean;
  /** Stops the server (SIGKILL by default: an abrupt crash, no goodbye to clients) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port, with the same arguments and directory (no persistence: empty). */
  start(): Promise<void>;
  /** Sends a signal to the running server: SIGSTOP freezes it (connected, but never answers), SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void;
}

export interface RedisServerOptions {
  /** A config file to start from (a sentinel needs one it can write), given the port; the arguments override it. */
  readonly config?: (port: number) => string;
  /** More arguments, given the port (`--cluster-enabled yes`, `--replicaof ...`). */
  readonly args?: (port: number) => readonly string[];
  /** The log line that says the server is up (default `Ready to accept connections`). */
  readonly ready?: RegExp;
}

const READY = /Ready to accept connections/;

/**
 * Each server's working directory, under one directory per test process that goes when the process exits. A replica
 * writes the data of its first sync there (dump.rdb), and a server loads what it finds there when it starts.
 */
let root: string | undefined;
function workingDirectory(): string {
  if (root === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'reqsign-redis-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    root = dir;
  }
  return mkdtempSync(join(root, 'server-'));
}

/** Every server this process started and has not stopped: killed if the process exits before it stops them. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function launch(port: number, dir: string, options: RedisServerOptions): Promise<ChildProcess> {
  const config = options.config?.(port);
  const ready = options.ready ?? READY;
  return new Promise((resolve, reject) => {
    const child = spawn(
      REDIS_BINARY,
      [
        ...(config === undefined ? [] : [config]),
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        dir,
        ...(options.args?.(port) ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    children.add(child);
    child.once('exit', (code) => {
      children.delete(child);
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
    });
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const dir = workingDirectory();
    try {
      let child: ChildProcess | null = await launch(port, dir, options);
      const server: RedisServer = {
        port,
        url: `redis://127.0.0.1:${port}`,
        get running() {
          return child !== null;
        },
        async stop(signal: NodeJS.Signals = 'SIGKILL') {
          const running = child;
          child = null;
          if (running === null || running.exitCode !== null || running.signalCode !== null) return;
          await new Promise<void>((resolve) => {
            running.once('exit', () => resolve());
            // A frozen process still dies of SIGKILL; SIGTERM waits for SIGCONT.
            running.kill(signal);
            if (signal !== 'SIGKILL') running.kill('SIGCONT');
          });
        },
        signal(signal: NodeJS.Signals) {
          if (child === null) throw new Error('redis-server is not running');
          child.kill(signal);
        },
        async start() {
          if (child !== null) throw new Error('redis-server is already running');
          child = await launch(port, dir, options);
        },
      };
      return server;
    } catch (err) {
      lastError = err; // most likely the port was taken between probing and binding: try another
    }
  }
  throw lastError;
}
