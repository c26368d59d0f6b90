import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { listenOnLoopback } from './listen.js';

/**
 * A RESP-aware TCP proxy on loopback in front of a redis-server, for fault injection where faults happen: between
 * the client's socket and the server's. Each client connection gets its own connection to the server; the proxy reads
 * the commands the client sends (RESP arrays of bulk strings) and the replies the server sends back, frame by frame,
 * and pairs them in order (RESP3 push frames belong to no command). For each reply, `onReply` decides: forward it
 * (undefined), send other bytes in its place (a Buffer: a reply of the wrong type), or `'cut'`: destroy both sockets
 * before the reply is forwarded (the command ran on the server; the client never hears its answer).
 */
export type ReplyFault = Buffer | 'cut' | undefined;

export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  /** Decides what happens to each reply (`command` is the upper-cased command name and its arguments). */
  onReply: ((command: readonly string[], reply: Buffer) => ReplyFault) | undefined;
  /** How many client connections the proxy has accepted since it started. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** The end of the RESP frame that starts at `at`, or -1 when `buf` does not hold all of it yet. */
export function frameEnd(buf: Buffer, at: number): number {
  if (at >= buf.length) return -1;
  const line = buf.indexOf('\r\n', at);
  if (line === -1) return -1;
  const type = String.fromCharCode(buf[at]!);
  const head = buf.toString('latin1', at + 1, line);
  const after = line + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case '#':
    case ',':
    case '(':
      return after;
    case '$':
    case '!':
    case '=': {
      const length = Number(head);
      if (length < 0) return after;
      return buf.length >= after + length + 2 ? after + length + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let count = Number(head);
      if (count < 0) return after;
      if (type === '%' || type === '|') count *= 2;
      let end = after;
      for (let i = 0; i < count; i++) {
        end = frameEnd(buf, end);
        if (end === -1) return -1;
      }
      // An attribute comes before the reply it annotates: the frame goes on with that reply.
      return type === '|' ? frameEnd(buf, end) : end;
    }
    default:
      throw new Error(`faultProxy: not RESP at byte ${at}: ${JSON.stringify(buf.toString('latin1', at, at + 20))}`);
  }
}

/** The bulk strings of a command frame (`*N` of `$len`), the first upper-cased. */
function commandOf(frame: Buffer): string[] {
  const args: string[] = [];
  let at = frame.indexOf('\r\n') + 2;
  while (at < frame.length) {
    const line = frame.indexOf('\r\n', at);
    const length = Number(frame.toString('latin1', at + 1, line));
    args.push(frame.toString('utf8', line + 2, line + 2 + length));
    at = line + 2 + length + 2;
  }
  if (args.length > 0) args[0] = args[0]!.toUpperCase();
  return args;
}

export async function startFaultProxy(target: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const proxy: FaultProxy = {
    port: 0,
    url: '',
    onReply: undefined,
    get accepted() {
      return accepted;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((down) => {
    accepted++;
    const up = createConnection({ host: '127.0.0.1', port: target });
    sockets.add(down).add(up);
    const pending: string[][] = [];
    let requests = Buffer.alloc(0);
    let replies = Buffer.alloc(0);
    let cut = false;
    // After PSYNC or SYNC the connection carries a replication stream (an RDB, then commands without replies):
    // passed through as it is.
    let raw = false;
    // Set by a cut: the client's side is closing in order, with what was written to it before.
    let closing = false;
    const end = () => {
      cut = true;
      sockets.delete(down);
      sockets.delete(up);
      if (!closing) down.destroy();
      up.destroy();
    };
    down.on('data', (chunk: Buffer) => {
      if (raw) {
        up.write(chunk);
        return;
      }
      requests = Buffer.concat([requests, chunk]);
      let at = 0;
      for (let next = frameEnd(requests, at); next !== -1; next = frameEnd(requests, at)) {
        const command = commandOf(requests.subarray(at, next));
        at = next;
        if (command[0] === 'PSYNC' || command[0] === 'SYNC') {
          raw = true;
          break;
        }
        pending.push(command);
      }
      requests = requests.subarray(at);
      up.write(chunk);
    });
    up.on('data', (chunk: Buffer) => {
      if (raw && pending.length === 0) {
        // Every reply before the PSYNC is forwarded: the rest is the replication stream.
        down.write(Buffer.concat([replies, chunk]));
        replies = Buffer.alloc(0);
        return;
      }
      replies = Buffer.concat([replies, chunk]);
      let at = 0;
      const out: Buffer[] = [];
      for (let next = frameEnd(replies, at); next !== -1 && !cut; next = raw && pending.length === 0 ? -1 : frameEnd(replies, at)) {
        const frame = replies.subarray(at, next);
        at = next;
        if (frame[0] === 0x3e /* > push */) {
          out.push(frame);
          continue;
        }
        const command = pending.shift() ?? [];
        const fault = proxy.onReply?.(command, frame);
        if (fault === 'cut') {
          cut = true;
          // What came before the cut still reaches the client, then an orderly close (FIN, never a reset that could
          // drop those bytes); the server's side goes at once, with what it had not sent yet.
          closing = true;
          if (out.length > 0) down.write(Buffer.concat(out));
          down.end();
          end();
          return;
        }
        out.push(fault ?? frame);
      }
      replies = replies.subarray(at);
      if (raw && pending.length === 0) {
        out.push(replies);
        replies = Buffer.alloc(0);
      }
      if (out.length > 0) down.write(Buffer.concat(out));
    });
    down.on('close', end).on('error', end);
    up.on('close', end).on('error', end);
  });
  const port = await listenOnLoopback(server);
  Object.assign(proxy, { port, url: `redis://127.0.0.1:${port}` });
  return proxy;
}
