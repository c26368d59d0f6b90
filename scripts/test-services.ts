import { spawn, type ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { hasProgram } from './lib/programs.js';
import { freePort } from './lib/net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the shared-Redis suite uses: `REQSIGN_REDIS_URL`, or one this run started on loopback. */
    redisUrl: string | undefined;
  }
}

/** Starts `redis-server` on a free loopback port, no persistence; resolves once it accepts connections. */
async function startRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.env['REQSIGN_REDIS_SERVER'] ?? 'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 30 s:\n${log}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: `redis://127.0.0.1:${port}`, process: child };
}

/**
 * The services the suites share, started once per run (vitest's globalSetup): a Redis on loopback unless
 * `REQSIGN_REDIS_URL` names one. Without redis-server on the machine nothing starts, and the suites that need it fail
 * with the line that says how to install it (`npm test` installs it first).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['REQSIGN_REDIS_URL'];
  if (given !== undefined && given !== '') {
    project.provide('redisUrl', given);
    return async () => {};
  }
  if (!hasProgram('redis-server')) {
    project.provide('redisUrl', undefined);
    return async () => {};
  }
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  return async () => {
    redis.process.kill('SIGKILL');
  };
}
