import type { VerifyCrypto } from '../internal/provider.js';
import { runDiagnosis, type DiagnosisCrypto } from '../internal/diagnosis/run.js';
import type { NopsDiagnoseFunction } from './api.js';

/** Binds `diagnose` to the verifying part of a crypto provider and what a diagnosis needs of the platform. */
export function diagnoseWith(crypto: VerifyCrypto, platform: DiagnosisCrypto): NopsDiagnoseFunction {
  return (input, signature, publicKey, options) => runDiagnosis(crypto, platform, input, signature, publicKey, options);
}
