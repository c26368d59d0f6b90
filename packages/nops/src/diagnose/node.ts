/** @reqsign/nops/diagnose for Node (the `node` condition): `diagnose` bound to node:crypto. */
import { nodeCrypto } from '../internal/crypto-node.js';
import { nodeDiagnosisCrypto } from '../internal/diagnosis/platform-node.js';
import type { NopsDiagnoseFunction } from './api.js';
import { diagnoseWith } from './diagnoseWith.js';

export * from './api.js';

/** Diagnoses a signature that failed verification (the arguments of `verify`, and options): see {@link NopsDiagnoseFunction}. */
export const diagnose: NopsDiagnoseFunction = /* @__PURE__ */ diagnoseWith(nodeCrypto, nodeDiagnosisCrypto);
