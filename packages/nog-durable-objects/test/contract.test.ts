/**
 * The contract every nonce store keeps (@reqsign/canonical/nonce-store-kit), run against the Durable Objects store
 * inside workerd with durable storage: each of the kit's claims goes to the test worker's `/claims` route, which
 * claims it through a `DurableObjectNonceStore` and answers the result or the typed failure, given back here as the
 * contract's `NonceStoreError`. The object is the one shipped, with its default grace; the failing store is the
 * namespace whose object cannot start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonceStoreError, type NonceStoreErrorCode, type ScopedNonceClaim, type ScopedNonceStore } from '@reqsign/canonical';
import { describeNonceStore } from '@reqsign/canonical/nonce-store-kit';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import type { Workerd } from '../../../scripts/lib/workerd.js';
import { startTestWorker } from './helpers/workerd.js';

requirePrograms('runtimes');

const dir = mkdtempSync(join(tmpdir(), 'reqsign-do-contract-'));
let worker: Workerd;
beforeAll(async () => {
  worker = await startTestWorker(dir);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A store in this process whose claims are made by a DurableObjectNonceStore inside workerd. */
function remote(namespace: 'contract' | 'broken'): ScopedNonceStore {
  return {
    async claim(claim: ScopedNonceClaim): Promise<boolean> {
      const response = await fetch(`${worker.url}/claims`, {
        method: 'POST',
        body: JSON.stringify({ namespace, claims: [claim], timeoutMs: 20_000 }),
      });
      const [result] = (await response.json()) as [boolean | { error: string; message: string }];
      if (typeof result === 'boolean') return result;
      throw new NonceStoreError(result.error as NonceStoreErrorCode, result.message);
    },
  };
}

describeNonceStore(
  'DurableObjectNonceStore (in workerd, durable storage)',
  { create: () => remote('contract'), createFailing: () => remote('broken') },
  { describe, it },
);
