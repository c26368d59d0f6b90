import type { NogAuth } from '../types.js';

const registry = new WeakMap<object, NogAuth>();

/** Remembers the verification of a request object, for `getNogAuth`. Held weakly: it goes with the request. */
export function rememberNogAuth(request: object, auth: NogAuth): void {
  registry.set(request, auth);
}

/** The verification remembered for a request object, if any. */
export function recallNogAuth(request: object): NogAuth | undefined {
  return registry.get(request);
}
