import type { ChildProcess } from 'node:child_process';

/**
 * The port a server block reports on stderr (`REQSIGN_LISTENING <port>`, tests/docs/fixtures), or a rejection with
 * its stderr when it exits first or says nothing within `timeoutMs`.
 */
export function listening(child: ChildProcess, what: string, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not listen in ${timeoutMs / 1000} s\n${stderr}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /REQSIGN_LISTENING (\d+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before listening\n${stderr}`));
    });
  });
}
