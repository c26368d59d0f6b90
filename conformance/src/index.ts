export { jsonLine, PROTOCOL, type Hello, type Request, type Response } from './protocol.js';
export { SCHEMES, SCHEME_ENTRIES, schemeOf, type Scheme, type SchemeInfo, type SchemeCli, type SchemeBundle } from './schemes.js';
export { respond } from './respond.js';
export {
  loadVectors,
  BREAKS_SCHEMA,
  VECTORS_DIR,
  SCHEMA_DIR,
  VectorFileError,
  type LoadOptions,
  type VectorFile,
  type VectorCase,
  type Expected,
} from './vectors.js';
export { inputChecker, inputCheckers, loadInputCheckers, type InputCheck, type InputCheckCode, type SchemaDocs } from './input-schemas.js';
export { judge, deepEqual, type Verdict } from './judge.js';
export type { Handler, Handlers } from './handlers.js';
export { field, optional } from './handlers.js';
export { Port, type PortOptions, type Reply, type FaultKind } from './port.js';
export {
  runImplementation,
  totals,
  type Implementation,
  type ImplementationReport,
  type CaseResult,
  type CaseStatus,
  type RunOptions,
} from './runner.js';
export {
  distinctNames,
  formatFailure,
  formatFailures,
  formatTable,
  formatTotals,
  toJUnit,
  toJson,
  type FormatOptions,
  type JsonReportOptions,
} from './report.js';
export {
  fuzz,
  formatFuzz,
  answerKey,
  type FuzzOptions,
  type FuzzReport,
  type OperationReport,
  type Disagreement,
  type Answer,
} from './fuzz.js';
export { main, usage, fuzzUsage, defaultImplementations, type MainOptions, type ConformanceIo } from './cli.js';
