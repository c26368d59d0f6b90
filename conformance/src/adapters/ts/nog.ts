import type { Handlers } from './types.js';

/**
 * The nog-v1 operations, driven through @reqsign/nog. `webcrypto` selects the portable WebCrypto build instead of
 * the node:crypto one, so that the same vectors cover both paths.
 */
export async function nogHandlers(_webcrypto: boolean): Promise<Handlers> {
  return {};
}
