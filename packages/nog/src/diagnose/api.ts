import { TARGET_CHANGE_TITLES, type Stage, type TargetChangeCode } from '@reqsign/canonical';
import type { NogAuthErrorCode } from '../errors.js';
import type { VerifierOptions } from '../verify.js';

/**
 * The causes a diagnosis can prove, each claimed only with its witness (never a guess): the carried signature is the
 * HMAC of the finding's string to sign under a named secret, in a named encoding, and the request then verifies
 * (with the clock the finding names). See {@link NogWitness}.
 *
 * - `DIAG_WRONG_SECRET`: the signature verifies with another secret the caller gave (another key's, or one of
 *   `otherSecrets`).
 * - `DIAG_KEY_ID_TYPO`: it verifies with the secret of a known key id close to the one sent, or equal to it but for
 *   whitespace around it, raw or percent-encoded (`secretName`).
 * - `DIAG_HOST_SIGNED`: the client signed the scheme and host (or the host alone) with the path (nog-v1 signs the
 *   path and query only).
 * - `DIAG_METHOD_CASE`: the client signed the method in another case; `DIAG_METHOD`: another method (GET for HEAD).
 * - `DIAG_SIGNATURE_ENCODING`: the signature is the right HMAC in another encoding than lowercase hex (`encoding`).
 * - `DIAG_STRING_TO_SIGN`: the string to sign was framed otherwise (`framing`: no final newline, `\r\n`, ...).
 * - `DIAG_FRAGMENT_RECEIVED`: the signature is right, but the URL arrived with a `#fragment` after it (an unsigned
 *   tail the verifier refuses); `DIAG_AUTH_AFTER_FRAGMENT`: the client appended the auth parameters after the URL's
 *   `#fragment` and signed them there (the original JS and Python signers did), so no HTTP client sends them.
 * - `DIAG_FRAGMENT_SIGNED`: the client signed the fragment; `DIAG_PARAMETER_APPENDED`: parameters were appended
 *   after `authsignature` after signing; `DIAG_AMPERSAND`: an empty pair (`&&`) dropped or added;
 *   `DIAG_DOUBLE_ENCODING`: percent-encoded twice; `DIAG_UNICODE_NORMALIZATION`: non-ASCII characters signed in
 *   another normalization form (NFC, NFD).
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
  | 'DIAG_KEY_ID_TYPO'
  | 'DIAG_HOST_SIGNED'
  | 'DIAG_METHOD_CASE'
  | 'DIAG_METHOD'
  | 'DIAG_SIGNATURE_ENCODING'
  | 'DIAG_STRING_TO_SIGN'
  | 'DIAG_FRAGMENT_SIGNED'
  | 'DIAG_FRAGMENT_RECEIVED'
  | 'DIAG_AUTH_AFTER_FRAGMENT'
  | 'DIAG_PARAMETER_APPENDED'
  | 'DIAG_AMPERSAND'
  | 'DIAG_DOUBLE_ENCODING'
  | 'DIAG_UNICODE_NORMALIZATION'
  | TargetChangeCode
  | 'DIAG_TARGET_CHANGED'
  | 'DIAG_CLOCK_SKEW'
  | 'DIAG_EXPIRED'
  | 'DIAG_NONCE_REPLAYED';

/** Every diagnosis code with a short title, for lists and headings (its `message` says the particular case). */
export const DIAGNOSES: Readonly<Record<NogDiagnosisCode, string>> = {
  DIAG_WRONG_SECRET: 'Signed with another secret',
  DIAG_KEY_ID_TYPO: 'A key id typo',
  DIAG_HOST_SIGNED: 'The scheme and host were signed',
  DIAG_METHOD_CASE: "The method's case changed",
  DIAG_METHOD: 'Signed for another method',
  DIAG_SIGNATURE_ENCODING: 'The signature in another encoding',
  DIAG_STRING_TO_SIGN: 'The string to sign framed otherwise',
  DIAG_FRAGMENT_SIGNED: 'The fragment was signed',
  DIAG_FRAGMENT_RECEIVED: 'A fragment arrived after the signature',
  DIAG_AUTH_AFTER_FRAGMENT: 'The auth parameters after a fragment',
  DIAG_PARAMETER_APPENDED: 'A parameter appended after signing',
  DIAG_AMPERSAND: 'An empty query pair (&&) dropped or added',
  DIAG_DOUBLE_ENCODING: 'Percent-encoded twice',
  DIAG_UNICODE_NORMALIZATION: 'Another Unicode normalization form',
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
  readonly expectedUrl?: string | undefined;
  /**
   * The failure the verifier answered for this request. A diagnosis never claims a nonce (it would burn it), so a
   * replay is found only from the verifier's own `ERR_AUTH_NONCE_INVALID`.
   */
  readonly failure?: { readonly code: NogAuthErrorCode } | undefined;
  /** `scheme://host[:port]` the client may have signed with the path (`DIAG_HOST_SIGNED`), besides the URL's own. */
  readonly origins?: readonly string[] | undefined;
  /** Path prefixes a router may have stripped before verification (`DIAG_MOUNT_PREFIX`), e.g. `['/api']`. */
  readonly prefixes?: readonly string[] | undefined;
  /**
   * Secrets to try besides each key's own, by a name of the caller's choosing (e.g. `{ 'before rotation': old }`):
   * a finding names the one that verifies, never the secret. With `keys` as a record or map, every other key's
   * secret is tried too, named by its key id.
   */
  readonly otherSecrets?: Readonly<Record<string, string>> | ReadonlyMap<string, string> | undefined;
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

/** How the carried signature encodes the HMAC: nog-v1's is lowercase hex. */
export type NogSignatureEncoding = 'hex' | 'uppercase hex' | 'base64' | 'base64 without padding' | 'base64url';

/**
 * The proof of a finding: under this secret, the HMAC-SHA256 of `stringToSign` in `encoding` is the carried
 * signature, and the request verifies with that string to sign at `verifiedAt` (the verifier's clock, or the one a
 * clock finding moved it to). Never the secret itself: `keyId` and `secretName` name it.
 */
export interface NogWitness {
  /** The key id whose secret signed: the request's own, or a known one close to it. */
  readonly keyId: string;
  /** Null for the verifier's secret of `keyId`; else the key id or `otherSecrets` name of the secret that verifies. */
  readonly secretName: string | null;
  readonly method: string;
  readonly stringToSign: string;
  readonly encoding: NogSignatureEncoding;
  /** The carried `authsignature`, as carried. */
  readonly signature: string;
  readonly verifiedAt: Date;
}

interface FindingOf<C extends NogDiagnosisCode> {
  readonly code: C;
  /** The cause in words. Never a secret; target bytes, key ids and names of `otherSecrets` only. */
  readonly message: string;
  /** The request as the client signed it: with it (and the finding's own change of clock), the request verifies. */
  readonly signed: NogSignedAs;
  /** Its proof: see {@link NogWitness}. Every finding of a diagnosis has the same one. */
  readonly witness: NogWitness;
}

/**
 * When nothing verifies: what was tried, within the work budget (`budget` HMACs, hypotheses and pairs of them together; see the README). Each of `tried` is a
 * hypothesis that was computed and did not give the carried signature; `exhausted` says that the budget ran out before
 * every hypothesis was tried. `reason` says why nothing could be tried at all, when nothing was.
 */
export interface NogUnexplained {
  readonly tried: readonly string[];
  /** Strings to sign whose HMAC was computed (each under each secret tried counts once). */
  readonly hmacs: number;
  readonly budget: number;
  readonly exhausted: boolean;
  readonly reason: string | null;
}

/** A proven cause. The fields beside `code` narrow with it. */
export type NogFinding =
  | (FindingOf<'DIAG_WRONG_SECRET' | 'DIAG_KEY_ID_TYPO'> & {
      /** The key id or `otherSecrets` name whose secret verifies. */
      readonly secretName: string;
    })
  | (FindingOf<'DIAG_SIGNATURE_ENCODING'> & { readonly encoding: NogSignatureEncoding })
  | (FindingOf<'DIAG_STRING_TO_SIGN'> & { readonly framing: string })
  | (FindingOf<'DIAG_METHOD'> & { readonly signedMethod: string })
  | (FindingOf<'DIAG_MOUNT_PREFIX'> & { readonly prefix: string })
  | (FindingOf<'DIAG_CLOCK_SKEW'> & {
      /** Seconds the authdate lies ahead of the verifier's clock. */
      readonly offsetSeconds: number;
      readonly maxClockSkew: number;
      /**
       * When the offset is a whole number of quarter hours (within a minute): the UTC offset of a local time written with
       * Z, had it been one (a clock off by that much is not told apart from it).
       */
      readonly utcOffsetMinutes: number | null;
    })
  | (FindingOf<'DIAG_EXPIRED'> & {
      /** Seconds between the deadline and the verifier's clock. */
      readonly bySeconds: number;
      readonly expiresAt: Date;
      /** When the authdate lies behind by a whole number of quarter hours (within a minute) beyond authexpires, that UTC offset. */
      readonly utcOffsetMinutes: number | null;
    })
  | FindingOf<
      Exclude<
        NogDiagnosisCode,
        | 'DIAG_WRONG_SECRET'
        | 'DIAG_KEY_ID_TYPO'
        | 'DIAG_SIGNATURE_ENCODING'
        | 'DIAG_STRING_TO_SIGN'
        | 'DIAG_METHOD'
        | 'DIAG_MOUNT_PREFIX'
        | 'DIAG_CLOCK_SKEW'
        | 'DIAG_EXPIRED'
      >
    >;

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
  /** The proven causes, each with its witness; empty when none was found (or the request is valid). */
  readonly findings: readonly NogFinding[];
  /** The witness of the findings (the same for each); null without findings. */
  readonly witness: NogWitness | null;
  /** For an invalid request without findings: what was tried. Null when the request is valid or explained. */
  readonly unexplained: NogUnexplained | null;
  /**
   * The stages side by side, for display: `target` and `string to sign` as `received`, the `client`'s and what a
   * finding proved was `signed` (when it differs from the client's), then the `signature`, `expected` and `carried`.
   * Each value after the first says where it first differs from the first.
   */
  readonly stages: readonly Stage[];
}

/**
 * Diagnoses a nog-v1 request that failed verification: see {@link NogDiagnosis}. Takes the verifier's own options
 * (keys, clock, limits, `keyLookupTimeoutMs`) and never calls `nonceStore`. Resolves for any method and URL, also
 * when the key lookup fails or does not answer in time (`code` `ERR_AUTH_KEY_LOOKUP`, as the verifier answers, the
 * lookup's own error not passed on); rejects only for options of the wrong type or value, as `createVerifier` does.
 */
export type DiagnoseFunction = (method: string, url: string, options: DiagnoseOptions) => Promise<NogDiagnosis>;
