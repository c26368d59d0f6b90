import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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

async function freePort(): Promise<number> {
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
  /** Stops the server (SIGKILL by default: an abrupt crash, no goodbye to clients) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a fresh server on the same port (empty: nothing persisted). */
  start(): Promise<void>;
  /** Sends a signal to the running server: SIGSTOP freezes it (connected, but never answers), SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void;
}

function launch(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      REDIS_BINARY,
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      let child: ChildProcess | null = await launch(port);
      const server: RedisServer = {
        port,
        url: `redis://127.0.0.1:${port}`,
        async stop(signal: NodeJS.Signals = 'SIGKILL') {
          const running = child;
          child = null;
          if (running === null || running.exitCode !== null || running.signalCode !== null) return;
          await new Promise<void>((resolve) => {
            running.once('exit', () => resolve());
            running.kill(signal);
          });
        },
        signal(signal: NodeJS.Signals) {
          if (child === null) throw new Error('redis-server is not running');
          child.kill(signal);
        },
        async start() {
          if (child !== null) throw new Error('redis-server is already running');
          child = await launch(port);
        },
      };
      return server;
    } catch (err) {
      lastError = err; // most likely the port was taken between probing and binding: try another
    }
  }
  throw lastError;
}
