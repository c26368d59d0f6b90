import type { Handlers } from './types.js';

/** The nOps operations, driven through @reqsign/nops (`webcrypto` as for nog). */
export async function nopsHandlers(_webcrypto: boolean): Promise<Handlers> {
  return {};
}
