import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bundleWorker, startWorkerd, type Workerd } from '../../../../scripts/lib/workerd.js';

export const KEY_ID = '0123456789abcdef0123';
export const SECRET = '0123456789abcdef0123456789abcdef01234567';
/** The namespaces' unique keys: their folders under the storage directory. */
export const NONCES_KEY = 'reqsign-test-nonces';

let bundled: Promise<string> | undefined;
/** The test worker (test/fixtures/worker.ts) bundled for workerd, once. */
export function workerCode(): Promise<string> {
  bundled ??= bundleWorker(fileURLToPath(new URL('../fixtures/worker.ts', import.meta.url))).then((b) => b.code);
  return bundled;
}

/** workerd on the test worker, its Durable Objects stored under `storageDir`. */
export async function startTestWorker(storageDir: string): Promise<Workerd> {
  return startWorkerd({
    code: await workerCode(),
    storageDir,
    bindings: [
      { name: 'NOG_KEYID', text: KEY_ID },
      { name: 'NOG_SECRETKEY', text: SECRET },
      { name: 'NONCES', durableObjectNamespace: 'TestNonces' },
      { name: 'BROKEN', durableObjectNamespace: 'BrokenNonces' },
      { name: 'SILENT', durableObjectNamespace: 'SilentNonces' },
      { name: 'CONTRACT', durableObjectNamespace: 'ContractNonces' },
      { name: 'WRONG', durableObjectNamespace: 'WrongNonces' },
    ],
    durableObjects: [
      { className: 'TestNonces', uniqueKey: NONCES_KEY },
      { className: 'BrokenNonces', uniqueKey: 'reqsign-test-broken' },
      { className: 'SilentNonces', uniqueKey: 'reqsign-test-silent' },
      { className: 'ContractNonces', uniqueKey: 'reqsign-test-contract' },
      { className: 'WrongNonces', uniqueKey: 'reqsign-test-wrong' },
    ],
  });
}

/** `YYYY-MM-DDTHHMMSSZ` for a millisecond count. */
export const authdate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[:-]/g, '')
    .replace(/\.\d{3}/, '')
    .replace(/^(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');

/** A nog-v1 signed target, from the spec with Node's raw HMAC: HMAC-SHA256 over `METHOD\ntarget\n`. */
export function signed(method: string, target: string, nonce: string, options: { expires?: number; date?: number } = {}): string {
  const sep = target.includes('?') ? '&' : '?';
  const t = `${target}${sep}authalgorithm=nog-v1&authkeyid=${KEY_ID}&authdate=${authdate(options.date ?? Date.now())}&authexpires=${options.expires ?? 600}&authnonce=${nonce}`;
  return `${t}&authsignature=${createHmac('sha256', SECRET).update(`${method}\n${t}\n`).digest('hex')}`;
}
