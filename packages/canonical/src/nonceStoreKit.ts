/**
 * @reqsign/canonical/nonce-store-kit: the nonce store contract as tests, for store authors. It imports no test
 * framework: it is handed `describe` and `it` (vitest's, node:test's, jest's) and checks with its own assertions.
 *
 * ```ts
 * import { describe, it } from 'vitest'; // or 'node:test'
 * import { describeNonceStore } from '@reqsign/canonical/nonce-store-kit';
 *
 * describeNonceStore('MyStore', { create: () => new MyStore(), createBounded: (n) => new MyStore({ max: n }) }, { describe, it });
 * ```
 */
import { NONCE_STORE_ERROR_CODES, type ScopedNonceClaim, type ScopedNonceStore } from './nonceStore.js';

/** The test functions the kit registers its cases with. */
export interface NonceStoreKitTests {
  describe(name: string, fn: () => void): unknown;
  it(name: string, fn: () => Promise<void>): unknown;
}

/** How the kit makes the stores it checks. Each case makes its own and draws scopes no other run uses. */
export interface NonceStoreUnderTest<S extends ScopedNonceStore = ScopedNonceStore> {
  /** A store to claim in (a new one, or one shared with other cases: the kit's scopes never meet). */
  create(): S | Promise<S>;
  /**
   * A new, empty store that holds at most `capacity` live nonces. Leave it out when the store has no bound of its
   * own (a database); then the cases about a full store are not registered.
   */
  createBounded?(capacity: number): S | Promise<S>;
  /** A store whose every claim fails (its backend stopped or unreachable). Leave it out when a store cannot fail. */
  createFailing?(): S | Promise<S>;
  /** Called with each store the kit made, once its case is over. */
  dispose?(store: S): void | Promise<void>;
  /**
   * How far apart the clocks of two verifiers sharing the store may be, in milliseconds (default 250): a case
   * waits this long between two claims of one nonce whose deadline has just passed by the second verifier's clock.
   * A store that keeps nonces by its own timer (Redis `PX`) must keep them this much longer than `deadline - now`.
   */
  readonly clockSkewMs?: number;
  /**
   * True for a store that serves the verifiers of one clock (one process's memory): it may drop what has expired by
   * the latest claim's `now`, and the case of a clock far ahead that must not expire another verifier's nonce is left
   * out. Default false: a shared store must stay right whatever its verifiers' clocks say.
   */
  readonly oneClock?: boolean;
}

/** One case of the kit: its name and its test. */
export interface NonceStoreCase {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/** Thrown by the kit's checks: which rule the store broke, and how. */
export class NonceStoreContractError extends Error {
  override readonly name = 'NonceStoreContractError';
}

const fail = (message: string): never => {
  throw new NonceStoreContractError(message);
};

let runs = 0;
/** Scopes no other run of the kit uses, so that cases may share a store (and a database) with anything. */
const freshScope = (label: string): string[] => {
  runs++;
  return ['nonce-store-kit', `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${runs}`, label];
};

/** 2023-11-14T22:13:20.123Z, plus or minus what a case needs: every claim's time is the kit's, never the machine's. */
const T = 1_700_000_000_123;
const MINUTE = 60_000;
/** 1973-03-03: far in the past of any machine clock. */
const PAST = 100_000_000_321;
/** 2200-01-01: far in the future of any machine clock. */
const FUTURE = 7_258_118_400_777;

const claimOf = (scope: readonly string[], nonce: string, now: number, deadline: number): ScopedNonceClaim => ({
  scope,
  nonce,
  deadline,
  now,
});

/** The answer of a claim, which must be exactly true or false. */
async function answer(store: ScopedNonceStore, claim: ScopedNonceClaim, what: string): Promise<boolean> {
  let result: unknown;
  try {
    result = await store.claim(claim);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return fail(`${what}: the claim failed (${String(code ?? error)}) where it should have answered`);
  }
  if (result !== true && result !== false) fail(`${what}: the claim answered ${String(result)}, not true or false`);
  return result as boolean;
}

async function expectClaim(store: ScopedNonceStore, claim: ScopedNonceClaim, expected: boolean, what: string): Promise<void> {
  const got = await answer(store, claim, what);
  if (got !== expected) {
    fail(`${what}: expected ${expected} (${expected ? 'a new nonce' : 'a replay, refused'}), got ${got}`);
  }
}

/** The claim must fail with a NonceStoreError of `code` (any ERR_NONCE_STORE_* when undefined), naming nothing of it. */
async function expectStoreError(store: ScopedNonceStore, claim: ScopedNonceClaim, code: string | undefined, what: string): Promise<void> {
  let result: unknown;
  try {
    result = await store.claim(claim);
  } catch (error) {
    if (!(error instanceof Error)) return fail(`${what}: threw ${String(error)}, not a NonceStoreError`);
    const got = (error as { code?: unknown }).code;
    if (error.name !== 'NonceStoreError' || !(NONCE_STORE_ERROR_CODES as readonly unknown[]).includes(got)) {
      fail(`${what}: threw ${error.name} (${String(got)}), not a NonceStoreError with an ERR_NONCE_STORE_* code`);
    }
    if (code !== undefined && got !== code) fail(`${what}: failed with ${String(got)}, expected ${code}`);
    for (const secret of [claim.nonce, ...claim.scope]) {
      if (secret.length >= 8 && `${error.message} ${error.stack ?? ''}`.includes(secret)) {
        fail(`${what}: the error's message names the claim's scope or nonce`);
      }
    }
    return;
  }
  fail(`${what}: answered ${String(result)}, expected a NonceStoreError${code === undefined ? '' : ` ${code}`}`);
}

/** Nonces that a store must keep apart: empty, hex of every length and case, JSON's escapes, lone surrogates, long. */
const NONCES: readonly string[] = [
  '',
  '0',
  '00',
  'a',
  'A',
  '0a',
  '00a',
  '0123456789abcdef012345',
  '0123456789abcdef0123456',
  '0123456789ABCDEF012345',
  '"',
  '\\',
  '\\"',
  '\u0000',
  '\u0000\u0000',
  '\ud800',
  '\udc00',
  '\udc00\ud800',
  '\ud83d\ude00',
  ':',
  ',',
  '","',
  '[]',
  'x'.repeat(4096),
  'x'.repeat(4097),
];

/** Scopes that differ only where a naive join would lose the difference. */
const SCOPES: readonly (readonly string[])[] = [
  [],
  [''],
  ['', ''],
  ['a:b', 'c'],
  ['a', 'b:c'],
  ['a', 'b', 'c'],
  ['a,b'],
  ['a', 'b'],
  ['"a","b"'],
  ['\ud800'],
  ['\udc00'],
];

async function withStore<S extends ScopedNonceStore>(
  target: NonceStoreUnderTest<S>,
  make: () => S | Promise<S>,
  body: (store: S) => Promise<void>,
): Promise<void> {
  const store = await make();
  try {
    await body(store);
  } finally {
    await target.dispose?.(store);
  }
}

/**
 * The contract's cases, as plain functions that throw a {@link NonceStoreContractError} when the store breaks a
 * rule: for a test framework that `describeNonceStore` does not fit, or to check that the kit catches a broken store.
 */
export function nonceStoreCases<S extends ScopedNonceStore>(target: NonceStoreUnderTest<S>): NonceStoreCase[] {
  const skew = target.clockSkewMs ?? 250;
  const create = () => target.create();
  const cases: NonceStoreCase[] = [];
  const add = (name: string, run: () => Promise<void>) => cases.push({ name, run });

  add('accepts a new nonce once and refuses it while it lives', () =>
    withStore(target, create, async (store) => {
      const scope = freshScope('once');
      const deadline = T + 10 * MINUTE;
      await expectClaim(store, claimOf(scope, 'n1', T, deadline), true, 'the first claim of a nonce');
      await expectClaim(store, claimOf(scope, 'n1', T, deadline), false, 'the same claim again');
      await expectClaim(store, claimOf(scope, 'n1', T + 1, deadline), false, 'the same nonce a millisecond later');
      await expectClaim(store, claimOf(scope, 'n2', T, deadline), true, 'another nonce in the same scope');
    }),
  );

  add('is atomic: of 1,000 concurrent claims of one nonce exactly one is accepted', () =>
    withStore(target, create, async (store) => {
      const scope = freshScope('atomic');
      const claim = claimOf(scope, 'contested', T, T + 10 * MINUTE);
      const results = await Promise.all(Array.from({ length: 1000 }, () => Promise.resolve().then(() => store.claim(claim))));
      const accepted = results.filter((r) => r === true).length;
      if (accepted !== 1) fail(`1,000 concurrent claims of one nonce: ${accepted} accepted, expected exactly 1`);
      if (!results.every((r) => r === true || r === false)) fail('a concurrent claim answered something other than true or false');
      const distinct = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => Promise.resolve().then(() => store.claim(claimOf(scope, `n${i}`, T, T + 10 * MINUTE)))),
      );
      const fresh = distinct.filter((r) => r === true).length;
      if (fresh !== 1000) fail(`1,000 concurrent claims of different nonces: ${fresh} accepted, expected all 1,000`);
    }),
  );

  add('keeps a nonce until its deadline, not a millisecond less', () =>
    withStore(target, create, async (store) => {
      for (const lifetime of [1, 999, 1000, 1001, 59_999, 10 * MINUTE + 1, 60 * MINUTE]) {
        const scope = freshScope(`keep-${lifetime}`);
        const deadline = T + lifetime;
        await expectClaim(store, claimOf(scope, 'n', T, deadline), true, `a nonce that lives ${lifetime} ms`);
        for (const at of [T + 1, T + Math.floor(lifetime / 2), deadline - 1, deadline]) {
          if (at < T || at > deadline) continue;
          await expectClaim(
            store,
            claimOf(scope, 'n', at, deadline),
            false,
            `the nonce (deadline now + ${lifetime} ms) claimed again ${deadline - at} ms before its deadline`,
          );
        }
      }
    }),
  );

  add("judges by the claim's now only: a clock far in the past", () =>
    withStore(target, create, async (store) => {
      // A store that reads a clock of its own finds this deadline decades past and forgets the nonce at once.
      const scope = freshScope('past');
      const deadline = PAST + 10 * MINUTE;
      await expectClaim(store, claimOf(scope, 'n', PAST, deadline), true, 'a claim at a now in 1973');
      await expectClaim(store, claimOf(scope, 'n', PAST + 1, deadline), false, 'the same nonce a millisecond later, in 1973');
      await expectClaim(store, claimOf(scope, 'n', deadline - 1, deadline), false, 'the same nonce just before its deadline, in 1973');
    }),
  );

  add("judges by the claim's now only: a clock far in the future", () =>
    withStore(target, create, async (store) => {
      const scope = freshScope('future');
      const deadline = FUTURE + 10 * MINUTE;
      await expectClaim(store, claimOf(scope, 'n', FUTURE, deadline), true, 'a claim at a now in 2200');
      await expectClaim(store, claimOf(scope, 'n', deadline - 1, deadline), false, 'the same nonce just before its deadline, in 2200');
    }),
  );

  add("stays right when two verifiers' clocks are apart", () =>
    withStore(target, create, async (store) => {
      const scope = freshScope('clocks');
      const deadline = T + 10 * MINUTE;
      // A verifier whose clock runs ahead claims first, just before the deadline; one whose clock runs behind by
      // `skew` receives the same request that much later (real time), when its clock reads the same.
      await expectClaim(store, claimOf(scope, 'ahead', deadline - 1, deadline), true, 'verifier A claims just before the deadline');
      await new Promise((resolve) => setTimeout(resolve, skew));
      await expectClaim(
        store,
        claimOf(scope, 'ahead', deadline - 1 - skew, deadline),
        false,
        `verifier B (clock ${skew} ms behind) claims the same nonce`,
      );
      await expectClaim(store, claimOf(scope, 'ahead', deadline - 1, deadline), false, `verifier B claims the same nonce ${skew} ms later`);
      // The reverse order: the late clock first, then the early one.
      await expectClaim(store, claimOf(scope, 'behind', T - 5 * MINUTE, deadline), true, 'verifier B (5 minutes behind) claims first');
      await expectClaim(
        store,
        claimOf(scope, 'behind', T + 5 * MINUTE, deadline),
        false,
        'verifier A (5 minutes ahead) claims the same nonce',
      );
      if (target.oneClock === true) return;
      // A claim with a clock far ahead (its own nonce, its own deadline) must not expire what another clock still
      // holds live.
      await expectClaim(store, claimOf(scope, 'kept', T, deadline), true, 'verifier A claims a nonce');
      await expectClaim(
        store,
        claimOf(scope, 'other', deadline + 60 * MINUTE, deadline + 70 * MINUTE),
        true,
        'verifier C (70 minutes ahead) claims another',
      );
      await expectClaim(
        store,
        claimOf(scope, 'kept', deadline - 1, deadline),
        false,
        "verifier A's nonce claimed again before its deadline, after C's claim",
      );
    }),
  );

  add('keeps scopes and nonces apart, whatever their characters', () =>
    withStore(target, create, async (store) => {
      const base = freshScope('apart');
      const deadline = T + 10 * MINUTE;
      for (const scope of SCOPES) {
        for (const nonce of NONCES) {
          const claim = claimOf([...base, ...scope], nonce, T, deadline);
          await expectClaim(store, claim, true, `the nonce ${JSON.stringify(nonce.slice(0, 20))} in scope ${JSON.stringify(scope)}, first`);
        }
      }
      for (const scope of SCOPES) {
        for (const nonce of NONCES) {
          const claim = claimOf([...base, ...scope], nonce, T + 1, deadline);
          await expectClaim(
            store,
            claim,
            false,
            `the nonce ${JSON.stringify(nonce.slice(0, 20))} in scope ${JSON.stringify(scope)}, again`,
          );
        }
      }
    }),
  );

  add('refuses a claim it cannot check with a typed error and never accepts it', () =>
    withStore(target, create, async (store) => {
      const scope = freshScope('invalid');
      const bad: unknown[] = [
        null,
        'claim',
        { scope: 'a', nonce: 'n', deadline: T + MINUTE, now: T },
        { scope: [1], nonce: 'n', deadline: T + MINUTE, now: T },
        { scope, nonce: 1, deadline: T + MINUTE, now: T },
        { scope, nonce: 'n', deadline: Number.NaN, now: T },
        { scope, nonce: 'n', deadline: T + MINUTE, now: Number.NaN },
        { scope, nonce: 'n', deadline: T + MINUTE, now: '1700000000000' },
      ];
      for (const claim of bad) {
        let result: unknown;
        try {
          result = await store.claim(claim as ScopedNonceClaim);
        } catch (error) {
          const code = (error as { code?: unknown } | null)?.code;
          if (!(error instanceof Error) || typeof code !== 'string' || !/^ERR_[A-Z0-9_]+$/.test(code)) {
            fail(`the claim ${JSON.stringify(claim)} failed without a stable ERR_* code: ${String(error)}`);
          }
          continue;
        }
        fail(`the claim ${JSON.stringify(claim)} answered ${String(result)}: a claim the store cannot check must fail`);
      }
    }),
  );

  const { createBounded, createFailing } = target;
  if (createBounded !== undefined) {
    const bounded = (capacity: number) => () => createBounded.call(target, capacity);
    add('when full refuses a new nonce (ERR_NONCE_STORE_FULL) and evicts no live one', () =>
      withStore(target, bounded(3), async (store) => {
        const scope = freshScope('full');
        const deadline = T + 10 * MINUTE;
        for (const nonce of ['n1', 'n2', 'n3'])
          await expectClaim(store, claimOf(scope, nonce, T, deadline), true, `${nonce} in a store for 3`);
        await expectStoreError(
          store,
          claimOf(scope, 'n4-full-store', T + 1, deadline),
          'ERR_NONCE_STORE_FULL',
          'a 4th live nonce in a store for 3',
        );
        for (const nonce of ['n1', 'n2', 'n3']) {
          await expectClaim(store, claimOf(scope, nonce, T + 2, deadline), false, `${nonce} again once the store has refused a 4th`);
        }
        await expectClaim(
          store,
          claimOf(scope, 'n4-full-store', deadline + 1001, deadline + 10 * MINUTE),
          true,
          'a new nonce once the 3 have expired',
        );
      }),
    );
    add("when full judges what has expired by the claim's now only (a clock far in the future)", () =>
      withStore(target, bounded(2), async (store) => {
        const scope = freshScope('full-future');
        const deadline = FUTURE + MINUTE;
        await expectClaim(store, claimOf(scope, 'n1', FUTURE, deadline), true, 'n1 in a store for 2, in 2200');
        await expectClaim(store, claimOf(scope, 'n2', FUTURE, deadline), true, 'n2 in a store for 2, in 2200');
        await expectStoreError(
          store,
          claimOf(scope, 'n3-full-store', FUTURE + 1, deadline),
          'ERR_NONCE_STORE_FULL',
          'n3 while n1 and n2 live',
        );
        await expectClaim(
          store,
          claimOf(scope, 'n3-full-store', deadline + 60 * MINUTE, deadline + 70 * MINUTE),
          true,
          'n3 an hour after n1 and n2 expired',
        );
      }),
    );
  }
  if (createFailing !== undefined) {
    add('fails with a NonceStoreError that names nothing of the claim when it cannot answer', () =>
      withStore(
        target,
        () => createFailing.call(target),
        async (store) => {
          const scope = freshScope('failing-scope-0123456789');
          await expectStoreError(
            store,
            claimOf(scope, 'failing-nonce-0123456789', T, T + MINUTE),
            undefined,
            'a claim in a store that cannot answer',
          );
        },
      ),
    );
  }
  return cases;
}

/**
 * Registers the nonce store contract's cases under `describe(name)`, each an `it`: run it in a store's tests.
 * Works with vitest, node:test and jest (pass their `describe` and `it`).
 */
export function describeNonceStore<S extends ScopedNonceStore>(
  name: string,
  target: NonceStoreUnderTest<S>,
  tests: NonceStoreKitTests,
): void {
  const cases = nonceStoreCases(target);
  tests.describe(`${name} keeps the nonce store contract`, () => {
    for (const c of cases) tests.it(c.name, c.run);
  });
}
