import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SCHEMA_DIR } from '../input-schemas.js';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * A port's process: started by a shell in a process group of its own, so that the shell and everything it starts
 * are killed together. On Linux the port's stdio is also remembered: a process that left the group (`setsid`,
 * a daemonizing fork) but still holds the port's stdout or stderr is found through /proc and killed with it.
 */
export interface PortProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** `socket:[inode]` (or `pipe:`) of the port's ends of stdin, stdout and stderr, where /proc tells (Linux); else empty. */
  readonly pipes: ReadonlySet<string>;
}

const running = new Set<PortProcess>();
let exitHook = false;

/**
 * The shell script that runs a port's command: the command runs as a job of its own with the shell's stdin, stdout
 * and stderr, and the shell closes its copies and waits, exiting with the command's status. So the port's stdout
 * is held by the port alone: when the port closes it (or exits), the runner sees the end at once instead of a
 * shell that keeps it open. fd 3 carries stdin past the /dev/null that a background job gets otherwise.
 */
export const wrap = (command: string): string => `exec 3<&0\n{\n${command}\n} <&3 3<&- &\nexec 0<&- 1>&- 2>&- 3<&-\nwait $!\n`;

/** Starts `command` with a shell, in its own process group, and tracks it until {@link release}. Throws as spawn does. */
export function startProcess(command: string, cwd: string | undefined): PortProcess {
  // Where the schemas are, for the port's input check (PROTOCOL.md, "The exchange"), unless the caller says.
  const env = { REQSIGN_CONFORMANCE_SCHEMA_DIR: SCHEMA_DIR, ...process.env };
  const child =
    process.platform === 'win32'
      ? spawn(command, { shell: true, cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', wrap(command)], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const proc = { child, pipes: pipesOf(child.pid) };
  running.add(proc);
  if (!exitHook) {
    exitHook = true;
    // Ports still running when the runner's process exits (process.exit on a signal, a closed stdout, an uncaught
    // error) are killed, so that no port outlives the run.
    process.once('exit', killAll);
  }
  return proc;
}

/** Kills every port still running (synchronously: also from an `exit` handler). */
export function killAll(): void {
  for (const proc of running) kill(proc);
}

/**
 * Kills a port: its process group, then any other process that still holds one of its pipes. Nothing is left
 * that could keep the runner waiting.
 */
export function kill(proc: PortProcess): void {
  const { child } = proc;
  try {
    // A process group's id is not reused while any member lives, so this also reaches what the shell started
    // after the shell itself has exited.
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  } catch {
    // ESRCH: nothing left in the group.
  }
  if (proc.pipes.size > 0) {
    for (const pid of holders(proc.pipes)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}

/**
 * Kills the port and lets go of it: its pipes are closed on our side, so that a process that escaped the kill
 * (only possible where /proc does not tell who holds a pipe) cannot keep the runner's event loop alive.
 */
export function release(proc: PortProcess): void {
  kill(proc);
  running.delete(proc);
  proc.child.stdin.destroy();
  proc.child.stdout.destroy();
  proc.child.stderr.destroy();
  proc.child.unref();
}

/**
 * The port's ends of its stdio (Node's stdio pipes are socket pairs on Linux): read from the shell right after
 * spawn, or, if the shell has already handed them on and closed its copies, from the members of its process group.
 */
function pipesOf(pid: number | undefined): ReadonlySet<string> {
  const pipes = new Set<string>();
  if (pid === undefined || process.platform !== 'linux') return pipes;
  const read = (p: number | string): void => {
    for (const fd of [0, 1, 2]) {
      try {
        const target = readlinkSync(`/proc/${p}/fd/${fd}`);
        if (target.startsWith('socket:') || target.startsWith('pipe:')) pipes.add(target);
      } catch {
        // closed, gone, or /proc not readable: the process group kill still applies
      }
    }
  };
  read(pid);
  if (pipes.size < 3) for (const p of processes()) if (groupOf(p) === pid) read(p);
  return pipes;
}

function processes(): string[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return [];
  }
}

/** The process group of a process, from /proc/PID/stat (the fifth field; the second, the name, may hold spaces). */
function groupOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** Every other process with an fd on one of `pipes`. */
function holders(pipes: ReadonlySet<string>): number[] {
  const found: number[] = [];
  for (const pid of processes()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (pipes.has(target)) {
        found.push(Number(pid));
        break;
      }
    }
  }
  return found;
}
