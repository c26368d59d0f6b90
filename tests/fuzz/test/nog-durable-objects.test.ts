/**
 * @reqsign/nog-durable-objects: the store in Node against the object as shipped, in workerd on loopback (one workerd
 * for the file, its storage on disk), and the store against objects that answer anything a broken or hostile object can
 * (no answer, an exception, any status and body, no Response at all). A claim answers a boolean or fails with a typed
 * error; a claim is true only when the object said `claimed`, and a nonce claimed is refused while it lives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as nogDo from '@reqsign/nog-durable-objects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { bundleWorker, startWorkerd, type Workerd } from '../../../scripts/lib/workerd.js';
import { hostile, near, options, text, twinned } from './arbitraries.js';
import { expectClean, fuzz, RUNS, unfuzzedExports } from './harness.js';

requirePrograms('runtimes');

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const CLAIM_PATH = 'https://nonce-object/claim';
const dir = mkdtempSync(join(tmpdir(), 'reqsign-fuzz-do-'));
let worker: Workerd;

beforeAll(async () => {
  const { code } = await bundleWorker(fileURLToPath(new URL('./fixtures/durable-objects-worker.ts', import.meta.url)));
  worker = await startWorkerd({
    code,
    storageDir: dir,
    bindings: [{ name: 'NONCES', durableObjectNamespace: 'FuzzNonces' }],
    durableObjects: [{ className: 'FuzzNonces', uniqueKey: 'reqsign-fuzz-nonces' }],
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The request `init` a stub's fetch gets from the store, and what it answers: the object in workerd, over the route. */
async function askObject(name: string, url: string, init: { method?: string; body?: string } | undefined): Promise<Response> {
  const r = await fetch(`${worker.url}/object/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'x-object-method': init?.method ?? 'GET', 'x-object-url': url },
    body: init?.body ?? '',
  });
  // An exception in the object: the runtime rejects the stub's fetch.
  if (r.headers.get('x-object-threw') !== null) throw new Error(`the object threw: ${await r.text()}`);
  return r;
}

/** The namespace binding of the object in workerd, as a worker's `env.NONCES` would be. */
const realNamespace: nogDo.NonceObjectNamespace = {
  idFromName: (name: string) => ({ name }),
  get: (id: { name: string }) => ({ fetch: (input, init) => askObject(id.name, input, init) }),
};

let counter = 0;
/** Claims near what a verifier sends, in both forms (nog's and the contract's scoped one), a fresh nonce each; or hostile. */
const claim = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ keyId: text, expiresIn: fc.integer({ min: -1000, max: 3_600_000 }), scoped: fc.boolean() })
      .map(({ keyId, expiresIn, scoped }) =>
        scoped
          ? { scope: [keyId, '2026-01-02T030405Z'], nonce: `d${process.pid}-${++counter}`, deadline: NOW + expiresIn, now: NOW }
          : { keyId, authdate: '2026-01-02T030405Z', nonce: `d${process.pid}-${++counter}`, expiresAt: NOW + expiresIn, now: NOW },
      ),
  },
  {
    weight: 1,
    arbitrary: options({
      keyId: text,
      authdate: fc.constantFrom('2026-01-02T030405Z', ''),
      scope: near(fc.array(text, { maxLength: 3 })),
      nonce: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.string({ minLength: 3000, maxLength: 4000 }),
      ),
      expiresAt: fc.oneof(fc.constant(NOW + 600_000), fc.double(), fc.constant(2 ** 60)),
      deadline: fc.oneof(fc.constant(NOW + 600_000), fc.double()),
      now: fc.oneof(fc.constant(NOW), fc.double()),
    }),
  },
);

/** Options a caller may write: shards and timeouts in and out of range, any prefix, unknown names. */
const storeOptions = (namespace: fc.Arbitrary<unknown>, timeoutMs: fc.Arbitrary<unknown>) =>
  fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record(
        { namespace, shards: fc.integer({ min: 1, max: 64 }), prefix: fc.oneof(fc.constant('fuzz-'), text), timeoutMs },
        { requiredKeys: ['namespace'] },
      ),
    },
    {
      weight: 1,
      arbitrary: options({
        namespace: fc.oneof(
          { arbitrary: namespace, weight: 4 },
          { arbitrary: fc.constantFrom({}, { idFromName: () => 1 }, { get: () => ({}) }), weight: 1 },
        ),
        shards: fc.oneof(fc.integer({ min: -1, max: 70_000 }), fc.double(), fc.constantFrom(1, 65_536, 65_537)),
        prefix: text,
        timeoutMs: fc.oneof(timeoutMs, fc.double(), fc.constantFrom(0, -1, 2 ** 31, Number.NaN)),
      }),
    },
  );

/** Whether a claim is well formed by the contract (strings, finite clocks): only such a claim may be answered. */
function wellFormed(c: unknown): boolean {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Record<string, unknown>;
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if ('scope' in o)
    return (
      Array.isArray(o.scope) &&
      o.scope.every((s) => typeof s === 'string') &&
      typeof o.nonce === 'string' &&
      finite(o.deadline) &&
      finite(o.now)
    );
  return (
    typeof o.keyId === 'string' && typeof o.authdate === 'string' && typeof o.nonce === 'string' && finite(o.expiresAt) && finite(o.now)
  );
}

const isTyped = (err: unknown): boolean => err instanceof nogDo.NonceStoreError || err instanceof nogDo.NogError;

/** What a stub may do with a claim: answer a status and body, throw, never answer, or resolve to something else. */
const objectBehaviour = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      status: fc.constantFrom(200, 200, 200, 400, 404, 500, 503),
      body: fc.oneof(fc.constantFrom('claimed', 'seen', 'Claimed', 'claimed\n', ' seen', ''), text),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('throw' as const), value: hostile }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('never' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('not a response' as const), value: hostile }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('broken body' as const) }) },
);
type Behaviour = typeof objectBehaviour extends fc.Arbitrary<infer B> ? B : never;

/** A namespace whose every object behaves as drawn; `said` records the body of each 200 it gave. */
function namespaceOf(behaviour: Behaviour, said: string[]): nogDo.NonceObjectNamespace {
  return {
    idFromName: (name: string) => name,
    get: () => ({
      fetch: async () => {
        if (behaviour.kind === 'throw') throw behaviour.value;
        if (behaviour.kind === 'never') return new Promise<Response>(() => {});
        if (behaviour.kind === 'not a response') return behaviour.value as Response;
        if (behaviour.kind === 'broken body') {
          return new Response(new ReadableStream({ pull: (c) => c.error(new Error('the body broke')) }));
        }
        if (behaviour.status === 200) said.push(behaviour.body);
        return new Response(behaviour.body, { status: behaviour.status });
      },
    }),
  };
}

/** The wire claim the object reads: a hash, a deadline and a clock; near-valid, or anything. */
const HEX = '0123456789abcdef';
const hash = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...HEX), { minLength: 64, maxLength: 64 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: twinned(fc.constant('a'.repeat(64))) },
  { weight: 1, arbitrary: fc.constantFrom('A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), '') },
  { weight: 1, arbitrary: text },
);
const clock = fc.oneof(
  fc.constant(NOW),
  fc.integer({ min: NOW - 10_000_000, max: NOW + 10_000_000 }),
  fc.double(),
  fc.constantFrom(0, -1, 8.64e15, 1e300, -1e300),
);
const wireBody = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: hash, e: clock, n: clock }).map((c) => JSON.stringify(c)) },
  {
    weight: 1,
    arbitrary: options({ k: hash, e: clock, n: clock }).map((c) => {
      try {
        return JSON.stringify(c) ?? '';
      } catch {
        return '';
      }
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom(`{"k":"${'a'.repeat(64)}","e":1e400,"n":0}`, '[]', 'null', '{', '') },
  { weight: 1, arbitrary: text },
);

const ENTRIES: Record<
  string,
  { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown; runs?: number; check?: (v: unknown) => void }
> = {
  // The store over the object in workerd: each claim that answers true is claimed again and must be refused while it
  // lives (its deadline not before its clock).
  createDurableObjectNonceStore: {
    args: fc.tuple(
      storeOptions(fc.constant(realNamespace), fc.oneof(fc.constant(undefined), fc.integer({ min: 1000, max: 60_000 }))),
      fc.array(claim, { maxLength: 3 }),
    ),
    call: async (o, claims) => {
      const store = nogDo.createDurableObjectNonceStore(o as never);
      const out: unknown[] = [];
      for (const c of claims as unknown[]) {
        try {
          const first = await store.claim(c as never);
          const again = first ? await store.claim(c as never) : undefined;
          out.push({ claim: c, first, again });
        } catch (err) {
          if (!isTyped(err)) throw err;
          out.push({ claim: c, error: err });
        }
      }
      return out;
    },
    // Every claim is a round trip to workerd and a storage transaction there (two for a claim that passes).
    runs: Math.ceil(RUNS / 10),
    check: (value) => {
      for (const r of value as { claim: Record<string, unknown>; first?: boolean; again?: boolean; error?: unknown }[]) {
        if ('error' in r) continue;
        expect(typeof r.first).toBe('boolean');
        expect(wellFormed(r.claim)).toBe(true);
        // The contract's form when the claim has a scope (the store reads it so), nog's otherwise.
        const deadline = ('scope' in r.claim ? r.claim.deadline : r.claim.expiresAt) as number;
        if (r.first && deadline >= (r.claim.now as number)) expect(r.again).toBe(false);
      }
    },
  },
  // The store over objects that answer anything: true only for a 200 `claimed`, false only for a 200 `seen`.
  DurableObjectNonceStore: {
    args: fc.tuple(storeOptions(fc.constant(null), fc.integer({ min: 1, max: 20 })), objectBehaviour, fc.array(claim, { maxLength: 3 })),
    call: async (o, behaviour, claims) => {
      const said: string[] = [];
      const b = behaviour as Behaviour;
      let options: unknown = o;
      if (typeof o === 'object' && o !== null && (o as { namespace?: unknown }).namespace === null) {
        options = { ...o, namespace: namespaceOf(b, said) };
        // An object that never answers is waited for timeoutMs (5 s by default, any double drawn): at most 20 ms here.
        const t = (o as { timeoutMs?: unknown }).timeoutMs;
        if (b.kind === 'never' && !(typeof t === 'number' && t > 0 && t <= 20)) options = { ...(options as object), timeoutMs: 20 };
      }
      const store = new nogDo.DurableObjectNonceStore(options as never);
      const out: unknown[] = [];
      for (const c of claims as unknown[]) {
        const before = said.length;
        try {
          out.push({ answer: await store.claim(c as never), said: said.slice(before) });
        } catch (err) {
          if (!isTyped(err)) throw err;
        }
      }
      return out;
    },
    check: (value) => {
      for (const { answer, said } of value as { answer: boolean; said: string[] }[]) {
        expect(said).toEqual([answer ? 'claimed' : 'seen']);
      }
    },
  },
  // The object in workerd, asked anything the store could send it (and more): 200 `claimed` or `seen` for a wire claim,
  // 400 for a body that is none, 404 for another path or method; never an exception.
  NogNonceObject: {
    args: fc.tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'post') }),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(CLAIM_PATH) },
        { weight: 1, arbitrary: fc.constantFrom(`${CLAIM_PATH}?x`, `${CLAIM_PATH}/`, 'https://nonce-object/count', 'https://other/claim') },
      ),
      wireBody,
      fc.constantFrom('fuzz-0', 'fuzz-1', 'fuzz-2'),
    ),
    call: async (method, url, body, name) => {
      const r = await askObject(name as string, url as string, { method: method as string, body: body as string });
      return { method, url, body, status: r.status, text: await r.text() };
    },
    runs: Math.ceil(RUNS / 5),
    check: (value) => {
      const {
        method,
        url,
        body,
        status,
        text: answer,
      } = value as { method: string; url: string; body: string; status: number; text: string };
      // Request normalizes the case of the six methods the Fetch standard names ('post' is POST), and no other.
      const normalized = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(method.toUpperCase()) ? method.toUpperCase() : method;
      if (normalized !== 'POST' || url !== CLAIM_PATH) {
        expect(status).toBe(404);
        return;
      }
      // The wire claim, read from the format's words: a 64-digit lowercase hex hash, two finite numbers.
      let v: { k?: unknown; e?: unknown; n?: unknown } | null = null;
      try {
        v = JSON.parse(body);
      } catch {}
      const valid =
        typeof v === 'object' &&
        v !== null &&
        typeof v.k === 'string' &&
        /^[0-9a-f]{64}$/.test(v.k) &&
        Number.isFinite(v.e) &&
        Number.isFinite(v.n) &&
        typeof v.e === 'number' &&
        typeof v.n === 'number';
      if (valid) expect([status, ['claimed', 'seen'].includes(answer)]).toEqual([200, true]);
      else expect(status).toBe(400);
    },
  },
};

describe('@reqsign/nog-durable-objects', () => {
  it('has an entry for every exported function', () => {
    expect(unfuzzedExports(nogDo, Object.keys(ENTRIES), ['NogError', 'NonceStoreError', 'ReqsignError'])).toEqual([]);
  });

  for (const [entry, { args, call, runs, check }] of Object.entries(ENTRIES)) {
    it(`${entry}: answers each claim with a boolean or a typed error, as the object said, for any input`, async () => {
      expectClean(
        await fuzz(`nog-durable-objects.${entry}`, args, call, {
          ...(runs === undefined ? {} : { runs }),
          ...(check === undefined ? {} : { check }),
        }),
      );
    });
  }
});
