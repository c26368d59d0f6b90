import { createHmac, hash } from 'node:crypto';
import { nodeCrypto } from '../src/internal/crypto-node.ts';
const secret = '0123456789abcdef0123456789abcdef01234567';
const flat = 'GET\n/api/repos/alice/data/db/trees/0123456789abcdef0123456789abcdef01234567?format=v1&limit=100&authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600\n';
const key = Buffer.alloc(64); Buffer.from(secret).copy(key);
const ipad = Buffer.from(key.map((b) => b ^ 0x36)); const opad = Buffer.from(key.map((b) => b ^ 0x5c));
let scratch = Buffer.allocUnsafe(64 + 2048);
const outerBuf = Buffer.allocUnsafe(96);
function A(data: string) {
  ipad.copy(scratch, 0);
  const n = scratch.write(data, 64, 'utf8');
  const inner = hash('sha256', scratch.subarray(0, 64 + n), 'buffer') as unknown as Buffer;
  opad.copy(outerBuf, 0);
  inner.copy(outerBuf, 64);
  return hash('sha256', outerBuf, 'hex');
}
function t(f: () => unknown, n = 100000) {
  const s = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - s) / n;
}
const res: Record<string, number[]> = {};
const fns: Record<string, () => unknown> = {
  raw: () => createHmac('sha256', secret).update(flat).digest('hex'),
  A: () => A(flat),
  provider: () => nodeCrypto.hmacHex(secret, flat),
};
for (let r = 0; r < 9; r++) for (const [k, f] of Object.entries(fns)) (res[k] ??= []).push(t(f));
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(16), v[4]!.toFixed(0)); }
