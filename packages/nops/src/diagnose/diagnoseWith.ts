import type { VerifyCrypto } from '../internal/provider.js';
import { runDiagnosis } from '../internal/diagnosis/run.js';
import type { NopsDiagnoseFunction } from './api.js';

/** Binds `diagnose` to the verifying part of a crypto provider. */
export function diagnoseWith(crypto: VerifyCrypto): NopsDiagnoseFunction {
  return (input, signature, publicKey, options) => runDiagnosis(crypto, input, signature, publicKey, options);
}
