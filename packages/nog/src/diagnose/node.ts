/** @reqsign/nog/diagnose for Node (the `node` condition): `diagnose` bound to node:crypto. */
import { nodeCrypto } from '../internal/crypto-node.js';
import type { DiagnoseFunction } from './api.js';
import { diagnoseWith } from './diagnoseWith.js';

export * from './api.js';

/** Diagnoses a request that failed verification, for whoever holds the secrets: see {@link DiagnoseFunction}. */
export const diagnose: DiagnoseFunction = /* @__PURE__ */ diagnoseWith(nodeCrypto);
