/**
 * @reqsign/nog/diagnose: why a request fails verification, apart from the package's main entry so that a verifier's
 * bundle carries none of it. This entry uses WebCrypto; under Node (the `node` condition) `node.ts` binds the same
 * function to node:crypto.
 */
import { webCrypto } from '../internal/crypto-web.js';
import type { DiagnoseFunction } from './api.js';
import { diagnoseWith } from './diagnoseWith.js';

export * from './api.js';

/** Diagnoses a request that failed verification, for whoever holds the secrets: see {@link DiagnoseFunction}. */
export const diagnose: DiagnoseFunction = /* @__PURE__ */ diagnoseWith(webCrypto);
