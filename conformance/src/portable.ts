/**
 * What a conformance host needs besides the runner, with no `node:` import: the list of schemes, the judge, the
 * answer of one case, and the helpers for reading vector inputs. For hosts that are no Node process (the browser
 * suite, workers) and for adapters that run the vectors in-process.
 */
export { jsonLine, PROTOCOL, type Hello, type Request, type Response } from './protocol.js';
export { SCHEMES, SCHEME_ENTRIES, schemeOf, type Scheme, type SchemeInfo, type SchemeCli, type SchemeBundle } from './schemes.js';
export { respond } from './respond.js';
export { judge, deepEqual, type Verdict } from './judge.js';
export { field, optional, type Handler, type Handlers } from './handlers.js';
export type { Expected, VectorCase, VectorFile } from './vectors.js';
export { inputChecker, inputCheckers, type InputCheck, type InputCheckCode, type SchemaDocs } from './input-check.js';
