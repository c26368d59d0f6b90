import { findTargetChange, targetVariants } from '@reqsign/canonical';
import type { NogDiagnosisCode } from '../../diagnose/api.js';
import { APPENDED } from './read.js';

/**
 * One way the client may have signed the request. A diagnosis tests each by the HMAC over its string to sign, then
 * by verifying the request under it: only one that verifies becomes a finding.
 */
export interface Hypothesis {
  /** The finding it proves; null for the request as received. */
  readonly code: NogDiagnosisCode | null;
  readonly message: string;
  readonly method: string;
  /** Scheme and authority signed in front of the target, or `''`. */
  readonly origin: string;
  readonly target: string;
  /** The secret it signs with; undefined for the verifier's own. */
  readonly secret?: string;
  readonly secretName?: string;
  readonly prefix?: string;
}

export interface HypothesisInput {
  readonly method: string;
  readonly keyId: string;
  readonly keyKnown: boolean;
  readonly signedPart: string;
  readonly signatureLast: boolean;
  readonly origins: readonly string[];
  readonly prefixes: readonly string[];
  /** Other secrets by name: other keys' (named by key id) and `otherSecrets`. */
  readonly secrets: ReadonlyArray<readonly [string, string]>;
  /** What `expectedUrl` says the client signed. */
  readonly clientTarget: string | null;
}

/** The method in the cases a client or framework may have sent it in, other than the one received. */
function methodCases(method: string): string[] {
  const cases = [method.toUpperCase(), method.toLowerCase(), method.charAt(0).toUpperCase() + method.slice(1).toLowerCase()];
  return [...new Set(cases)].filter((m) => m !== method);
}

/** Every hypothesis for a request, the request as received first, each a single change. */
export function hypotheses(h: HypothesisInput): Hypothesis[] {
  const base = { method: h.method, origin: '', target: h.signedPart };
  const out: Hypothesis[] = [
    h.signatureLast
      ? { ...base, code: null, message: 'the request as received' }
      : { ...base, code: 'DIAG_QUERY_REORDERED', message: 'authsignature was moved from the end of the query in transit' },
  ];
  for (const m of methodCases(h.method)) {
    const message = `the client signed the method as ${m} and it arrived as ${h.method} (the method is signed exactly, case included)`;
    out.push({ ...base, method: m, code: 'DIAG_METHOD_CASE', message });
  }
  for (const origin of h.origins) {
    const message = `the client signed the scheme and host ${origin} with the path; nog-v1 signs the path and query only`;
    out.push({ ...base, origin, code: 'DIAG_HOST_SIGNED', message });
  }
  const options = { appended: APPENDED, prefixes: h.prefixes };
  for (const v of targetVariants(h.signedPart, options)) {
    out.push({ ...base, target: v.target, code: v.code, message: v.description, ...(v.prefix === undefined ? {} : { prefix: v.prefix }) });
  }
  if (h.clientTarget !== null && h.clientTarget !== h.signedPart) {
    const change = findTargetChange(h.clientTarget, h.signedPart, options);
    const message =
      change?.description ?? 'the client signed another target than the verifier received, and no one known change explains it';
    const prefix = change?.prefix === undefined ? {} : { prefix: change.prefix };
    out.push({ ...base, target: h.clientTarget, code: change?.code ?? 'DIAG_TARGET_CHANGED', message, ...prefix });
  }
  for (const [name, secret] of h.secrets) {
    const message = h.keyKnown
      ? `the signature verifies with the secret of ${name}, not with this verifier's secret for key id ${h.keyId}`
      : `key id ${h.keyId} is unknown to this verifier, but the signature verifies with the secret of ${name}`;
    out.push({ ...base, secret, secretName: name, code: 'DIAG_WRONG_SECRET', message });
  }
  return out;
}
