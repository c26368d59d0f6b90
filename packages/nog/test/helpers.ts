import { execFileSync } from 'node:child_process';
import { formatDateTime, parseDateTime } from '@reqsign/canonical';
import * as node from '../src/node.js';
import * as web from '../src/index.js';

/** The API both builds share (the WebCrypto one; the node build adds signSync). */
export type Build = typeof web;
export const builds: ReadonlyArray<readonly [string, Build]> = [
  ['node:crypto', node],
  ['WebCrypto', web],
];
export { node, web };

export const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' } as const;
export const KEYS: Record<string, string> = { [KEY.id]: KEY.secret };
/** 2015-04-20T123456Z, the authdate of the known values. */
export const DATE_MS: number = parseDateTime('2015-04-20T123456Z').getTime();
export const ms = (text: string): number => parseDateTime(text).getTime();
export const text = (d: Date): string => formatDateTime(d);

/** A settable clock for a verifier and its store. */
export function clock(start: number): { now: () => number; set(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    set: (v) => {
      t = v;
    },
  };
}

/** HMAC-SHA256 hex by Python's hmac module (the original Python client's method) for (secret, data) pairs, in one process. */
export function pythonHmac(pairs: ReadonlyArray<readonly [string, string]>): string[] {
  const script =
    'import sys,json,hmac,hashlib\nfor k,m in json.load(sys.stdin): print(hmac.new(k.encode(),m.encode(),hashlib.sha256).hexdigest())';
  return execFileSync('python3', ['-c', script], { input: JSON.stringify(pairs) })
    .toString()
    .trim()
    .split('\n');
}
