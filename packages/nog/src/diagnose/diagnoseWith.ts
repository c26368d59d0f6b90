import type { CryptoProvider } from '../internal/provider.js';
import { runDiagnosis } from '../internal/diagnosis/run.js';
import type { DiagnoseFunction } from './api.js';

/** Binds `diagnose` to a crypto provider. The hypotheses and their re-verification are in internal/diagnosis/. */
export function diagnoseWith(provider: CryptoProvider): DiagnoseFunction {
  return (method, url, options) => runDiagnosis(provider, method, url, options);
}
