import type { Verifier, VerifyResult } from '@reqsign/nog';

/**
 * Verifies the first candidate target whose signature checks out. A candidate that fails on its signature lets the
 * next one try; any other outcome (valid, expired, replayed, store failure) is final. The nonce is claimed only after
 * a signature matched, so trying a second spelling never burns or double-claims a nonce.
 */
export async function verifyCandidates(verifier: Verifier, method: string, candidates: readonly string[]): Promise<VerifyResult> {
  let result: VerifyResult | undefined;
  for (const url of candidates) {
    result = await verifier.verify(method, url);
    if (result.ok || result.code !== 'ERR_AUTH_SIG_INVALID') return result;
  }
  return result!;
}
