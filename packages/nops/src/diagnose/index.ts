/**
 * @reqsign/nops/diagnose: why a signature fails, apart from the package's main entry so that a verifier's bundle
 * carries none of it. This entry uses WebCrypto; under Node (the `node` condition) `node.ts` binds the same function
 * to node:crypto.
 */
import { webVerify } from '../internal/crypto-web.js';
import { webDiagnosisCrypto } from '../internal/diagnosis/platform-web.js';
import type { NopsDiagnoseFunction } from './api.js';
import { diagnoseWith } from './diagnoseWith.js';

export * from './api.js';

/** Diagnoses a signature that failed verification (the arguments of `verify`, and options): see {@link NopsDiagnoseFunction}. */
export const diagnose: NopsDiagnoseFunction = /* @__PURE__ */ diagnoseWith(webVerify, webDiagnosisCrypto);
