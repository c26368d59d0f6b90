import { TARGET_CHANGE_TITLES, type Stage, type TargetChangeCode } from '@reqsign/canonical';
import type { NogAuthErrorCode } from '../errors.js';
import type { VerifierOptions } from '../verify.js';

/**
 * The causes a diagnosis can prove, each claimed only when the request verifies under it (never a guess):
 *
 * - `DIAG_WRONG_SECRET`: the signature verifies with another secret the caller gave (another key's, or one of
 *   `otherSecrets`), or `expectedUrl` shows the client signed exactly this string with a secret that is not this one.
 * - `DIAG_HOST_SIGNED`: the client signed the scheme and host with the path (nog-v1 signs the path and query only).
 * - `DIAG_METHOD_CASE`: the client signed the method in another case.
 * - `DIAG_PERCENT_ENCODING`, `DIAG_PLUS_SPACE`, `DIAG_DOT_SEGMENTS`, `DIAG_DOUBLE_SLASH`, `DIAG_MOUNT_PREFIX`,
 *   `DIAG_TRAILING_SLASH`, `DIAG_QUERY_REORDERED`, `DIAG_EMPTY_QUERY`: a proxy, framework or URL parser changed the
 *   target in that one way (see @reqsign/canonical's `TargetChange`); `DIAG_TARGET_CHANGED`: `expectedUrl` was
 *   signed and the target differs from it in a way that is not one of those.
 * - `DIAG_CLOCK_SKEW`: the authdate lies further ahead of the verifier's clock than `maxClockSkew` (`offsetSeconds`).
 * - `DIAG_EXPIRED`: the signature's deadline had passed (`bySeconds`).
 * - `DIAG_NONCE_REPLAYED`: the request is valid, but the verifier reported its nonce as seen (`failure`).
 */
export type NogDiagnosisCode =
  | 'DIAG_WRONG_SECRET'
  | 'DIAG_HOST_SIGNED'
  | 'DIAG_METHOD_CASE'
  | TargetChangeCode
  | 'DIAG_TARGET_CHANGED'
  | 'DIAG_CLOCK_SKEW'
  | 'DIAG_EXPIRED'
  | 'DIAG_NONCE_REPLAYED';

/** Every diagnosis code with a short title, for lists and headings (its `message` says the particular case). */
export const DIAGNOSES: Readonly<Record<NogDiagnosisCode, string>> = {
  DIAG_WRONG_SECRET: 'Signed with another secret',
  DIAG_HOST_SIGNED: 'The scheme and host were signed',
  DIAG_METHOD_CASE: "The method's case changed",
  ...TARGET_CHANGE_TITLES,
  DIAG_TARGET_CHANGED: 'The target changed in transit',
  DIAG_CLOCK_SKEW: 'Clock skew',
  DIAG_EXPIRED: 'Expired',
  DIAG_NONCE_REPLAYED: 'The nonce was seen before',
};

export interface DiagnoseOptions extends VerifierOptions {
  /**
   * What the client believes it signed: its signed URL (with the auth parameters and `authsignature`, as its logs
   * show it) or the URL it passed to `sign` (the request's own auth parameters are then appended as a signer does).
   */
  readonly expectedUrl?: string;
  /**
   * The failure the verifier answered for this request. A diagnosis never claims a nonce (it would burn it), so a
   * replay is found only from the verifier's own `ERR_AUTH_NONCE_INVALID`.
   */
  readonly failure?: { readonly code: NogAuthErrorCode };
  /** `scheme://host[:port]` the client may have signed with the path (`DIAG_HOST_SIGNED`), besides the URL's own. */
  readonly origins?: readonly string[];
  /** Path prefixes a router may have stripped before verification (`DIAG_MOUNT_PREFIX`), e.g. `['/api']`. */
  readonly prefixes?: readonly string[];
  /**
   * Secrets to try besides each key's own, by a name of the caller's choosing (e.g. `{ 'before rotation': old }`):
   * a finding names the one that verifies, never the secret. With `keys` as a record or map, every other key's
   * secret is tried too, named by its key id.
   */
  readonly otherSecrets?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
}

/** One query parameter of the request, raw, in order. */
export interface NogParameter {
  readonly name: string;
  /** The raw value; null when the parameter has no `=`. */
  readonly value: string | null;
  /** Whether it is one of the six auth parameters. */
  readonly auth: boolean;
}

/** The request as the verifier reads it. */
export interface NogRequestView {
  readonly method: string;
  readonly url: string;
  /** The URL's scheme and authority for an absolute URL, `''` for a target; null when the URL is no request target. */
  readonly origin: string | null;
  readonly path: string | null;
  readonly query: string | null;
  readonly fragment: string | null;
  readonly parameters: readonly NogParameter[];
  readonly keyId: string | null;
  /** The authdate as an instant, when it is one. */
  readonly authdate: Date | null;
  /** authdate + authexpires (or the default), when both are valid. */
  readonly expiresAt: Date | null;
  /** The verifier's clock at the diagnosis. */
  readonly now: Date;
}

/** A string to sign: what follows from a method and a target. */
export interface NogSignedAs {
  readonly method: string;
  /** The scheme and authority signed in front of the target (`DIAG_HOST_SIGNED`), else `''`. */
  readonly origin: string;
  /** The path and query up to `&authsignature`. */
  readonly target: string;
  /** `METHOD + "\n" + origin + target + "\n"`. */
  readonly stringToSign: string;
  /** The index at which `stringToSign` first differs from the server's, or -1 when it does not. */
  readonly differsAt: number;
}

/** What the verifier computes from the request as received, beside what the request carried. */
export interface NogServerStages {
  readonly method: string;
  readonly target: string;
  readonly stringToSign: string;
  /** The HMAC-SHA256 of `stringToSign` under the secret of the request's key id; null for an unknown key. */
  readonly expectedSignature: string | null;
  /** The `authsignature` the request carried; null without one. */
  readonly carriedSignature: string | null;
  readonly signatureMatches: boolean;
}

/** What the client signed, from `expectedUrl`. */
export interface NogClientStages extends NogSignedAs {
  /** The HMAC of the client's `stringToSign` under the verifier's secret; null for an unknown key. */
  readonly expectedSignature: string | null;
  /** The `authsignature` of `expectedUrl`, when it has one. */
  readonly carriedSignature: string | null;
}

interface FindingOf<C extends NogDiagnosisCode> {
  readonly code: C;
  /** The cause in words. Never a secret; target bytes, key ids and names of `otherSecrets` only. */
  readonly message: string;
  /** The request as the client signed it: with it (and the finding's own change of clock), the request verifies. */
  readonly signed: NogSignedAs;
}

/** A proven cause. The fields beside `code` narrow with it. */
export type NogFinding =
  | (FindingOf<'DIAG_WRONG_SECRET'> & {
      /** The key id or `otherSecrets` name whose secret verifies; null when `expectedUrl` proved it without one. */
      readonly secretName: string | null;
    })
  | (FindingOf<'DIAG_MOUNT_PREFIX'> & { readonly prefix: string })
  | (FindingOf<'DIAG_CLOCK_SKEW'> & {
      /** Seconds the authdate lies ahead of the verifier's clock. */
      readonly offsetSeconds: number;
      readonly maxClockSkew: number;
    })
  | (FindingOf<'DIAG_EXPIRED'> & {
      /** Seconds between the deadline and the verifier's clock. */
      readonly bySeconds: number;
      readonly expiresAt: Date;
    })
  | FindingOf<Exclude<NogDiagnosisCode, 'DIAG_WRONG_SECRET' | 'DIAG_MOUNT_PREFIX' | 'DIAG_CLOCK_SKEW' | 'DIAG_EXPIRED'>>;

/**
 * Why a request verifies or not, for a developer or support tool that holds the secrets. It holds the expected
 * signature of the request: never send it to the client (a 401 body carries `failureBody` only).
 */
export interface NogDiagnosis {
  readonly scheme: 'nog-v1';
  readonly valid: boolean;
  /** The verifier's code for the request as received (the nonce taken from `failure`), null when it is valid. */
  readonly code: NogAuthErrorCode | null;
  readonly message: string | null;
  readonly request: NogRequestView;
  /** Null when the URL is no request target. */
  readonly server: NogServerStages | null;
  /** Null without `expectedUrl`. */
  readonly client: NogClientStages | null;
  /** The proven causes, most specific first; empty when none was found (or the request is valid). */
  readonly findings: readonly NogFinding[];
  /**
   * The stages side by side, for display: `target` and `string to sign` as `received`, the `client`'s and what a
   * finding proved was `signed` (when it differs from the client's), then the `signature`, `expected` and `carried`.
   * Each value after the first says where it first differs from the first.
   */
  readonly stages: readonly Stage[];
}

/**
 * Diagnoses a nog-v1 request that failed verification: see {@link NogDiagnosis}. Takes the verifier's own options
 * (keys, clock, limits) and never calls `nonceStore`. Resolves for any method and URL; rejects only for options of
 * the wrong type or value, as `createVerifier` does.
 */
export type DiagnoseFunction = (method: string, url: string, options: DiagnoseOptions) => Promise<NogDiagnosis>;
