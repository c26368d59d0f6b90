/**
 * workerd, the runtime of Cloudflare Workers, started on loopback from a config of our own (scripts/lib/workerd.ts):
 * every vector over the WebCrypto builds (the conformance runner drives the handlers inside the worker through the
 * protocol, carried by `fixtures/workerd/bridge.mjs`), and @reqsign/http's fetch-API integrations (`withNogAuth`,
 * `createNogAuthenticator`, Hono) answering real requests. Signed URLs are built here from the spec with Node's
 * raw HMAC, not by our signer.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors } from '../../../conformance/dist/index.js';
import { exec } from '../../../scripts/lib/exec.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { bundleWorker, requireWorkerd, startWorkerd, type Workerd } from '../../../scripts/lib/workerd.js';
import { MEMORY_STORE_IN_WORKER_WARNING } from '../../../packages/nog/dist/index.js';
import { CONFORMANCE_CLI, type CaseOutcome } from './support/runtimes.js';

requirePrograms('runtimes');

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/workerd/${name}`, import.meta.url));
// Every case the runner sends, those that break their schema too: the bridge answers them from the input check.
const cases = loadVectors(undefined, undefined, { breaksSchema: true }).flatMap((f) => f.cases.map((c) => `${f.name}/${c.id}`));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  results: readonly CaseOutcome[];
}

/** The conformance runner (on this Node) against the worker at `url`, through the bridge. */
async function conformance(url: string, extra: string[] = []): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-workerd-run-'));
  try {
    const report = join(dir, 'report.json');
    const start = `'${process.execPath}' '${fixture('bridge.mjs')}' '${url}'`;
    const r = await exec(
      process.execPath,
      [CONFORMANCE_CLI, '--impl', `workerd-webcrypto=${start}`, '--strict', '--quiet', '--report', report, ...extra],
      { cwd: ROOT, timeoutMs: 600_000, env: { ...process.env, NO_COLOR: '1' } },
    );
    const json = existsSync(report)
      ? (JSON.parse(readFileSync(report, 'utf8')) as { implementations: { results: CaseOutcome[] }[] })
      : { implementations: [] };
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, results: json.implementations[0]?.results ?? [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('workerd', () => {
  it('is installed from npm (tools/runtimes) and runs', async () => {
    const r = await exec(requireWorkerd(), ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^workerd \d{4}-\d{2}-\d{2}$/);
  });
});

describe('the vectors inside workerd', () => {
  let port: { code: string; inputs: string[] };
  let worker: Workerd;

  beforeAll(async () => {
    port = await bundleWorker(fixture('port.ts'));
    worker = await startWorkerd({ code: port.code });
  }, 120_000);
  afterAll(async () => worker?.stop());

  it('bundles the WebCrypto builds only (no node: import, no node entry)', () => {
    expect(port.inputs.some((i) => /packages\/nog\/dist\/index\.js$/.test(i))).toBe(true);
    expect(port.inputs.some((i) => /packages\/nops\/dist\/index\.js$/.test(i))).toBe(true);
    expect(port.inputs.filter((i) => /\/node\.js$/.test(i) || i.startsWith('node:'))).toEqual([]);
    expect(port.code).not.toMatch(/from\s*["']node:/);
  });

  it('runs as a Cloudflare worker would: its user agent, WebCrypto, no process', async () => {
    const env = await (await fetch(`${worker.url}/environment`)).json();
    expect(env).toEqual({ userAgent: 'Cloudflare-Workers', process: false, subtle: true });
  });

  it('passes every vector, every operation, over WebCrypto', async () => {
    const run = await conformance(worker.url);
    expect(run.stderr).toBe('');
    const notPassed = run.results.filter((r) => r.status !== 'pass').map((r) => `${r.id} ${r.status} ${r.stage ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(run.results.map((r) => `${r.file}/${r.id}`).sort()).toEqual([...cases].sort());
    expect(run.stdout).toMatch(new RegExp(`\\b${cases.length} passed, 0 failed\\b`));
    expect(run.code).toBe(0);
    console.log(`workerd: ${cases.length}/${cases.length} vectors over WebCrypto`);
  }, 600_000);

  it('fails the vectors when the worker signs wrongly (the run can fail)', async () => {
    // The same bundle with its HMAC over SHA-384: every nog-v1 signature differs.
    const broken = port.code.replaceAll('"SHA-256"', '"SHA-384"');
    expect(broken).not.toBe(port.code);
    const other = await startWorkerd({ code: broken });
    try {
      const run = await conformance(other.url, ['--filter', 'nog-sign']);
      expect(run.code).not.toBe(0);
      expect(run.results.length).toBeGreaterThan(0);
      expect(run.results.filter((r) => r.status === 'fail' && r.stage === 'signature').length).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  }, 300_000);
});

const KEY_ID = '0123456789abcdef0123';
const SECRET = '0123456789abcdef0123456789abcdef01234567';

/** `YYYY-MM-DDTHHMMSSZ` for a millisecond count. */
const authdate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[:-]/g, '')
    .replace(/\.\d{3}/, '')
    .replace(/^(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');

/** A nog-v1 signed target, from the spec: HMAC-SHA256 over `METHOD\ntarget\n`, the signature appended last. */
function signed(method: string, target: string, options: { nonce?: string; secret?: string; date?: number } = {}): string {
  const sep = target.includes('?') ? '&' : '?';
  const nonce = options.nonce === undefined ? '' : `&authnonce=${options.nonce}`;
  const t = `${target}${sep}authalgorithm=nog-v1&authkeyid=${KEY_ID}&authdate=${authdate(options.date ?? Date.now())}&authexpires=600${nonce}`;
  const sig = createHmac('sha256', options.secret ?? SECRET)
    .update(`${method}\n${t}\n`)
    .digest('hex');
  return `${t}&authsignature=${sig}`;
}

describe('the fetch-API integrations inside workerd', () => {
  let worker: Workerd;
  let inputs: string[];

  beforeAll(async () => {
    const bundle = await bundleWorker(fixture('handlers.ts'));
    inputs = bundle.inputs;
    worker = await startWorkerd({
      code: bundle.code,
      bindings: [
        { name: 'NOG_KEYID', text: KEY_ID },
        { name: 'NOG_SECRETKEY', text: SECRET },
      ],
    });
  }, 120_000);
  afterAll(async () => worker?.stop());

  it('bundles @reqsign/http and the WebCrypto build of nog', () => {
    expect(inputs.some((i) => /packages\/http\/dist\/withNogAuth\.js$/.test(i))).toBe(true);
    expect(inputs.some((i) => /packages\/nog\/dist\/index\.js$/.test(i))).toBe(true);
    expect(inputs.filter((i) => /packages\/[^/]+\/dist\/node\.js$/.test(i) || i.startsWith('node:'))).toEqual([]);
  });

  it.each([
    ['withNogAuth', '/wrap/blobs/abc?x=1'],
    ['createNogAuthenticator', '/authenticator/blobs/abc?x=1'],
  ])('%s: a signed request reaches the handler, with the auth parameters removed', async (via, target) => {
    const r = await fetch(`${worker.url}${signed('GET', target, { nonce: `n-${via}` })}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ via, keyId: KEY_ID, nonce: `n-${via}`, target, query: 'x=1' });
    if (via === 'withNogAuth') expect(body).toMatchObject({ envKeyId: KEY_ID, ctx: true });
  });

  it('Hono: the middleware sets nogAuth and the route runs', async () => {
    const r = await fetch(`${worker.url}${signed('GET', '/hono/blobs/abc?x=1')}`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ via: 'hono', id: 'abc', keyId: KEY_ID, query: 'x=1', parsed: { x: '1' } });
  });

  it.each(['/wrap/p', '/authenticator/p', '/hono/p'])('%s: a wrong signature is 401 with WWW-Authenticate: nog-v1', async (path) => {
    const r = await fetch(`${worker.url}${signed('GET', path, { secret: 'not-the-secret' })}`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('nog-v1');
    expect(await r.json()).toMatchObject({ statusCode: 401, errorCode: 'ERR_AUTH_SIG_INVALID' });
  });

  it.each(['/wrap/p', '/authenticator/p', '/hono/p'])('%s: an unsigned request is 401 ERR_AUTH_FIELD_MISSING', async (path) => {
    const r = await fetch(`${worker.url}${path}`);
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ errorCode: 'ERR_AUTH_FIELD_MISSING' });
  });

  it('a replayed nonce is refused in the same isolate (the memory store)', async () => {
    const url = `${worker.url}${signed('POST', '/wrap/replay', { nonce: 'replayed-once' })}`;
    const first = await fetch(url, { method: 'POST', body: 'a' });
    const second = await fetch(url, { method: 'POST', body: 'a' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(401);
    expect(await second.json()).toMatchObject({ errorCode: 'ERR_AUTH_NONCE_INVALID' });
  });

  it('the memory store warns once in the worker: it protects one isolate only', async () => {
    // The replay test above claimed nonces through MemoryNonceStores of three integrations.
    const r = await fetch(`${worker.url}${signed('GET', '/authenticator/warn', { nonce: 'warn-2' })}`);
    expect(r.status).toBe(200);
    const lines = (): string[] =>
      worker
        .stderr()
        .split('\n')
        .filter((l) => l.includes(MEMORY_STORE_IN_WORKER_WARNING));
    // workerd writes the worker's console to its stderr, which may arrive a little after the answer.
    for (const until = Date.now() + 20_000; lines().length === 0 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines()).toHaveLength(1);
  });

  it('an expired signature is refused by the worker clock', async () => {
    const r = await fetch(`${worker.url}${signed('GET', '/wrap/old', { date: Date.now() - 3_600_000 })}`);
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ errorCode: 'ERR_AUTH_SIG_EXPIRED' });
  });

  it('a nonce store that cannot answer is 503 with Retry-After (never a pass)', async () => {
    const r = await fetch(`${worker.url}${signed('GET', '/failing-store/x', { nonce: 'n-503' })}`);
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(await r.json()).toEqual({ statusCode: 503, errorCode: 'ERR_AUTH_NONCE_STORE', message: 'Nonce store unavailable.' });
  });
});
