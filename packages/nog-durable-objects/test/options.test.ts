/**
 * The store's arguments, checked where the store is made and where a claim arrives (in Node: the package loads
 * without the Workers runtime). The namespace here is a recorder of what the store asks for, not a runtime.
 */
import { NogError } from '@reqsign/nog';
import { describe, expect, it } from 'vitest';
import {
  createDurableObjectNonceStore,
  DEFAULT_CLAIM_TIMEOUT_MS,
  DEFAULT_SHARDS,
  DurableObjectNonceStore,
  NogNonceObject,
} from '../src/index.js';
import { placeOf } from '../src/internal/wire.js';

const namespace = { idFromName: (name: string) => name, get: () => ({ fetch: async () => new Response('claimed') }) };

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NogError);
    return (e as NogError).code;
  }
  return undefined;
};

describe('options', () => {
  it('has the documented defaults', () => {
    const store = createDurableObjectNonceStore({ namespace });
    expect([store.shards, store.prefix, store.timeoutMs]).toEqual([32, 'nog-nonces-', 5_000]);
    expect([DEFAULT_SHARDS, DEFAULT_CLAIM_TIMEOUT_MS]).toEqual([32, 5_000]);
    expect(store.objectName(7)).toBe('nog-nonces-7');
    expect(NogNonceObject.graceMs).toBe(60_000);
  });

  it.each([
    [undefined, 'ERR_INVALID_ARGUMENT'],
    [null, 'ERR_INVALID_ARGUMENT'],
    [{}, 'ERR_INVALID_ARGUMENT'],
    [{ namespace: {} }, 'ERR_INVALID_ARGUMENT'],
    [{ namespace, shards: '4' }, 'ERR_INVALID_ARGUMENT'],
    [{ namespace, shards: 0 }, 'ERR_OPTION_RANGE'],
    [{ namespace, shards: 1.5 }, 'ERR_OPTION_RANGE'],
    [{ namespace, shards: 65_537 }, 'ERR_OPTION_RANGE'],
    [{ namespace, shards: Number.NaN }, 'ERR_OPTION_RANGE'],
    [{ namespace, prefix: 1 }, 'ERR_INVALID_ARGUMENT'],
    [{ namespace, timeoutMs: '1' }, 'ERR_INVALID_ARGUMENT'],
    [{ namespace, timeoutMs: 0 }, 'ERR_OPTION_RANGE'],
    [{ namespace, timeoutMs: 2 ** 31 }, 'ERR_OPTION_RANGE'],
    [{ namespace, timeoutMs: Number.POSITIVE_INFINITY }, 'ERR_OPTION_RANGE'],
  ])('refuses %o with %s', (options, code) => {
    expect(codeOf(() => new DurableObjectNonceStore(options as never))).toBe(code);
  });

  it('refuses a misspelt option with the one meant', () => {
    expect(() => new DurableObjectNonceStore({ namespace, shard: 4 } as never)).toThrow(
      new NogError('ERR_INVALID_ARGUMENT', 'DurableObjectNonceStore: unknown option "shard" (did you mean shards?)'),
    );
    expect(() => createDurableObjectNonceStore({ namespace, timeout: 100 } as never)).toThrow('(did you mean timeoutMs?)');
  });

  it('exports the errors it throws and their base class, the same classes as @reqsign/nog and canonical', async () => {
    const own = await import('../src/index.js');
    const nog = await import('@reqsign/nog');
    expect(own.NogError).toBe(nog.NogError);
    expect(own.NonceStoreError).toBe(nog.NonceStoreError);
    expect(own.ReqsignError).toBe((await import('@reqsign/canonical')).ReqsignError);
    let caught: unknown;
    try {
      new DurableObjectNonceStore({ namespace, shards: 0 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(own.ReqsignError);
  });

  it('accepts the bounds', () => {
    expect(codeOf(() => new DurableObjectNonceStore({ namespace, shards: 1, timeoutMs: 1 }))).toBeUndefined();
    expect(codeOf(() => new DurableObjectNonceStore({ namespace, shards: 65_536, timeoutMs: 2 ** 31 - 1 }))).toBeUndefined();
  });

  it.each([
    null,
    { keyId: 1, authdate: 'a', nonce: 'n', expiresAt: 1, now: 0 },
    { keyId: 'k', authdate: 'a', nonce: 'n', expiresAt: Number.NaN, now: 0 },
    { keyId: 'k', authdate: 'a', nonce: 'n', expiresAt: 1, now: Number.POSITIVE_INFINITY },
  ])('a claim that is not one is ERR_INVALID_ARGUMENT: %o', async (claim) => {
    await expect(createDurableObjectNonceStore({ namespace }).claim(claim as never)).rejects.toMatchObject({
      name: 'NogError',
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('placement', () => {
  it('is SHA-256 of the JSON triple (checked against Python hashlib)', async () => {
    const { execFileSync } = await import('node:child_process');
    const triples = [
      ['k', '2026-01-01T000000Z', 'n'],
      ['a:b', 'c', ''],
      ['a', 'b:c', ''],
      ['\ud800', '\udc00', 'é'],
    ];
    const py = execFileSync(
      'python3',
      [
        '-c',
        'import sys, json, hashlib\nfor t in json.load(sys.stdin): print(hashlib.sha256(json.dumps(t, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest())',
      ],
      { input: JSON.stringify(triples) },
    )
      .toString()
      .trim()
      .split('\n');
    const ours = await Promise.all(triples.map(([k, a, n]) => placeOf([k!, a!, n!], 32)));
    // Lone surrogates: JSON.stringify escapes them (\ud800), Python's json with ensure_ascii=False keeps them, so
    // only the well-formed triples are compared byte for byte; the last is checked below for distinctness.
    expect(ours.slice(0, 3).map((p) => p.hash)).toEqual(py.slice(0, 3));
    expect(new Set(ours.map((p) => p.hash)).size).toBe(4);
    for (const p of ours) expect(p.shard).toBe(Number.parseInt(p.hash.slice(0, 8), 16) % 32);
  });
});
