import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NonceStoreError,
  assertNonceClaim,
  nonceStoreKey,
  ReqsignError,
  type ScopedNonceClaim,
  type ScopedNonceStore,
} from '@reqsign/canonical';
import { describeNonceStore, nonceStoreCases, NonceStoreContractError, type NonceStoreUnderTest } from '@reqsign/canonical/nonce-store-kit';

class ArgError extends ReqsignError<'ERR_INVALID_ARGUMENT'> {}

/**
 * A store written from the contract's rules alone, as simply as they go: a Map of JSON keys to deadlines, expired by
 * the claim's now. Its variants below each break one rule.
 */
class ReferenceStore implements ScopedNonceStore {
  readonly entries = new Map<string, number>();
  constructor(readonly capacity = Number.POSITIVE_INFINITY) {}
  key(c: ScopedNonceClaim): string {
    return JSON.stringify([...c.scope, c.nonce]);
  }
  expired(deadline: number, now: number): boolean {
    return deadline < now;
  }
  live(now: number): number {
    let n = 0;
    for (const d of this.entries.values()) if (!this.expired(d, now)) n++;
    return n;
  }
  full(c: ScopedNonceClaim): void {
    if (this.live(c.now) >= this.capacity) throw new NonceStoreError('ERR_NONCE_STORE_FULL', 'The nonce store is full');
  }
  claim(c: ScopedNonceClaim): boolean | Promise<boolean> {
    assertNonceClaim(c, ArgError);
    const key = this.key(c);
    const deadline = this.entries.get(key);
    if (deadline !== undefined && !this.expired(deadline, c.now)) return false;
    this.full(c);
    this.entries.set(key, Math.max(deadline ?? c.deadline, c.deadline));
    return true;
  }
}

/** Each rule broken once, as store authors break them. */
const BROKEN: Record<string, { make: (capacity?: number) => ScopedNonceStore; caughtBy: RegExp }> = {
  'non-atomic (reads, awaits, then writes)': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override async claim(c: ScopedNonceClaim): Promise<boolean> {
          assertNonceClaim(c, ArgError);
          const seen = this.entries.has(this.key(c)) && !this.expired(this.entries.get(this.key(c))!, c.now);
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (seen) return false;
          this.entries.set(this.key(c), c.deadline);
          return true;
        }
      })(capacity),
    caughtBy: /atomic/,
  },
  'evicting the oldest live nonce when full': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override full(c: ScopedNonceClaim): void {
          if (this.live(c.now) >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
        }
      })(capacity),
    caughtBy: /when full refuses/,
  },
  'reading Date.now() in place of the claim’s now': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override claim(c: ScopedNonceClaim) {
          return super.claim({ ...c, now: Date.now() });
        }
      })(capacity),
    caughtBy: /far in the past/,
  },
  'forgetting a millisecond early': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override expired(deadline: number, now: number): boolean {
          return deadline - 1 <= now;
        }
      })(capacity),
    caughtBy: /until its deadline/,
  },
  'expiring by the latest now it has seen (a clock of its own)': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        latest = Number.NEGATIVE_INFINITY;
        override claim(c: ScopedNonceClaim) {
          this.latest = Math.max(this.latest, typeof c?.now === 'number' ? c.now : this.latest);
          return super.claim({ ...c, now: this.latest });
        }
      })(capacity),
    caughtBy: /clocks are apart/,
  },
  'joining scope and nonce with ":"': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override key(c: ScopedNonceClaim): string {
          return [...c.scope, c.nonce].join(':');
        }
      })(capacity),
    caughtBy: /apart, whatever/,
  },
  'failing full with a plain Error': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override full(c: ScopedNonceClaim): void {
          if (this.live(c.now) >= this.capacity) throw new Error('full');
        }
      })(capacity),
    caughtBy: /when full refuses/,
  },
  'answering a truthy value, not true': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override claim(c: ScopedNonceClaim) {
          const r = super.claim(c);
          return (r === true ? 1 : r) as boolean;
        }
      })(capacity),
    caughtBy: /accepts a new nonce once/,
  },
  'accepting a claim it cannot check': {
    make: (capacity) =>
      new (class extends ReferenceStore {
        override claim(c: ScopedNonceClaim) {
          try {
            return super.claim(c);
          } catch (error) {
            if (error instanceof NonceStoreError) throw error;
            return true;
          }
        }
      })(capacity),
    caughtBy: /cannot check/,
  },
};

const targetOf = (make: (capacity?: number) => ScopedNonceStore): NonceStoreUnderTest => ({
  create: () => make(),
  createBounded: (capacity) => make(capacity),
  createFailing: () => ({
    claim: () => Promise.reject(new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', 'The nonce store is unavailable')),
  }),
  clockSkewMs: 5,
});

async function failures(target: NonceStoreUnderTest): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  for (const c of nonceStoreCases(target)) {
    try {
      await c.run();
    } catch (error) {
      failed.set(c.name, error);
    }
  }
  return failed;
}

// The kit run as a store author runs it, on the reference store.
describeNonceStore(
  'the reference store',
  targetOf((capacity) => new ReferenceStore(capacity)),
  { describe, it },
);

describe('the nonce store kit', () => {
  it('registers every case, the bounded and failing ones only for stores that have them', () => {
    const all = nonceStoreCases(targetOf((capacity) => new ReferenceStore(capacity))).map((c) => c.name);
    expect(all.length).toBe(11);
    const plain = nonceStoreCases({ create: () => new ReferenceStore() }).map((c) => c.name);
    expect(plain.length).toBe(8);
    expect(all.filter((n) => !plain.includes(n)).every((n) => /full|cannot answer/.test(n))).toBe(true);
  });

  for (const [name, broken] of Object.entries(BROKEN)) {
    it(`catches a store ${name}`, async () => {
      const failed = await failures(targetOf(broken.make));
      const caught = [...failed.keys()].filter((n) => broken.caughtBy.test(n));
      expect(caught, `cases that failed: ${[...failed.keys()].join('; ')}`).not.toEqual([]);
      for (const error of failed.values()) expect(error).toBeInstanceOf(NonceStoreContractError);
    });
  }

  it('catches a failing store whose error is untyped or names the nonce', async () => {
    const untyped = await failures({
      create: () => new ReferenceStore(),
      createFailing: () => ({ claim: () => Promise.reject(new Error('down')) }),
    });
    expect([...untyped.keys()]).toEqual(['fails with a NonceStoreError that names nothing of the claim when it cannot answer']);
    const telling = await failures({
      create: () => new ReferenceStore(),
      createFailing: () => ({ claim: (c) => Promise.reject(new NonceStoreError('ERR_NONCE_STORE_UNAVAILABLE', `lost ${c.nonce}`)) }),
    });
    expect([...telling.values()].map((e) => (e as Error).message)).toEqual([expect.stringMatching(/names the claim/)]);
  });

  it('runs under node:test with node:test’s describe and it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nonce-store-kit-'));
    try {
      const file = join(dir, 'store.test.mjs');
      const kit = import.meta.resolve('@reqsign/canonical/nonce-store-kit');
      writeFileSync(
        file,
        `import { describe, it } from 'node:test';
import { describeNonceStore } from ${JSON.stringify(kit)};
const good = () => { const m = new Map(); return { claim(c) {
  if (typeof c !== 'object' || c === null || !Array.isArray(c.scope) || !c.scope.every((p) => typeof p === 'string') || typeof c.nonce !== 'string' || typeof c.now !== 'number' || Number.isNaN(c.now) || typeof c.deadline !== 'number' || Number.isNaN(c.deadline)) throw Object.assign(new Error('bad'), { code: 'ERR_INVALID_ARGUMENT' });
  const k = JSON.stringify([...c.scope, c.nonce]); const d = m.get(k);
  if (d !== undefined && d >= c.now) return false; m.set(k, c.deadline); return true; } }; };
const early = () => { const s = good(); return { claim: (c) => s.claim(typeof c === 'object' && c !== null ? { ...c, deadline: c.deadline - 1 } : c) }; };
describeNonceStore('good', { create: good }, { describe, it });
describeNonceStore('early', { create: early }, { describe, it });
`,
      );
      const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stdout).toMatch(/# tests 16\b/);
      // The early store fails (at least) the deadline case; the good one fails none.
      expect(run.stdout).toMatch(/^ok 1 - good keeps the nonce store contract$/m);
      expect(run.stdout).toMatch(/^not ok 2 - early keeps the nonce store contract$/m);
      expect(run.stdout).toMatch(/not ok \d+ - keeps a nonce until its deadline, not a millisecond less/);
      expect(run.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nonceStoreKey', () => {
  it('is JSON.stringify([...scope, nonce]) for any strings, so different claims never share a key (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\ud800', '\udc00', ',', 'a') }),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), text, (scope, nonce) => {
        expect(nonceStoreKey(scope, nonce)).toBe(JSON.stringify([...scope, nonce]));
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses a sparse scope (its holes are no strings; every() would skip them and key them as "undefined")', () => {
    expect(() => nonceStoreKey(new Array(2), 'n')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => nonceStoreKey(Object.assign(new Array(2), { 0: 'k' }), 'n')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('assertNonceClaim', () => {
  it('accepts exactly a claim of the contract’s shape, and throws the caller’s class with ERR_INVALID_ARGUMENT otherwise (property)', () => {
    const anything = fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true });
    fc.assert(
      fc.property(
        fc.record({
          scope: fc.oneof(
            fc.array(fc.string({ unit: 'binary' })),
            fc.sparseArray(fc.string({ unit: 'binary' }), { maxLength: 4 }),
            anything,
          ),
          nonce: fc.oneof(fc.string({ unit: 'binary' }), anything),
          deadline: fc.oneof(fc.double(), anything),
          now: fc.oneof(fc.double(), anything),
        }),
        (claim) => {
          const valid =
            Array.isArray(claim.scope) &&
            Array.from(claim.scope as unknown[]).every((p) => typeof p === 'string') &&
            typeof claim.nonce === 'string' &&
            typeof claim.deadline === 'number' &&
            !Number.isNaN(claim.deadline) &&
            typeof claim.now === 'number' &&
            Number.isFinite(claim.now);
          let thrown: unknown;
          try {
            assertNonceClaim(claim, ArgError);
          } catch (error) {
            thrown = error;
          }
          if (valid) expect(thrown).toBeUndefined();
          else {
            expect(thrown).toBeInstanceOf(ArgError);
            expect((thrown as ArgError).code).toBe('ERR_INVALID_ARGUMENT');
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
