import { TARGET_CHANGE_TITLES, type QueryParam, type Stage, type TargetChangeCode } from '@reqsign/canonical';
import type { ApiKeyIn, PublicKeyInput } from '../types.js';
import type { NopsVerifyErrorCode, VerifyInput } from '../verify.js';

/**
 * The causes a diagnosis can prove, each claimed only with its witness (never a guess): the carried signature, read
 * in a named encoding, verifies with a named key, padding and digest over the finding's message. See
 * {@link NopsWitness}.
 *
 * - `DIAG_OTHER_KEY`: another key made the signature: it verifies with one of `otherKeys`.
 * - `DIAG_HASH_ALGORITHM`: this key signed the message, over another digest than SHA-256 (`hash`).
 * - `DIAG_PADDING`: this key signed the message with RSA-PSS, not PKCS#1 v1.5.
 * - `DIAG_SIGNATURE_ENCODING`: the signature is right, written otherwise than strict base64 (`encoding`: hex,
 *   base64url, line breaks, a trailing newline).
 * - `DIAG_STALE_DAY`: the client signed a day 2 to 7 days before, or the day before when no time zone's day is the
 *   day before at the instant given (`day`, `daysBefore`).
 * - `DIAG_DAY_FORMAT`: the day written in another format (`format`, e.g. `YYYYMMDD`).
 * - `DIAG_MESSAGE_FRAMING`: the message signed with a trailing newline (`echo`) or `\r\n` (`framing`).
 * - `DIAG_CLIENT_ID`: the client signed the whole API key, or its part after the `.`, as the client id (`signedClientId`).
 * - `DIAG_TIME_ZONE`: the client signed the day before or after: the day of the instant in another time zone, or a
 *   signature made before midnight and checked after it, or a clock ahead past midnight (not told apart).
 * - `DIAG_API_KEY_PLACEMENT`: the client signed in the other placement of the API key (`signedIn`).
 * - `DIAG_TRAILING_SLASH`: the path lost its trailing slash in transit, or the client signed it without one.
 * - `DIAG_HOST_SIGNED`: the client signed the scheme and host with the target.
 * - `DIAG_PERCENT_ENCODING`, `DIAG_PLUS_SPACE`, `DIAG_DOT_SEGMENTS`, `DIAG_DOUBLE_SLASH`, `DIAG_MOUNT_PREFIX`,
 *   `DIAG_QUERY_REORDERED`, `DIAG_EMPTY_QUERY`: the target changed in that one way in transit (see
 *   @reqsign/canonical's `TargetChange`); `DIAG_TARGET_CHANGED`: the client signed `expectedUrl`, which differs
 *   from what arrived in a way that is not one of those.
 * - `DIAG_FRAGMENT_RECEIVED`: the URL arrived with a `#fragment` after what the client signed: an unsigned tail,
 *   which `verify` refuses (a client never sends a fragment; a server that keeps it, as Node's `req.url` may, should
 *   cut it before verifying).
 */
export type NopsDiagnosisCode =
  | 'DIAG_OTHER_KEY'
  | 'DIAG_HASH_ALGORITHM'
  | 'DIAG_PADDING'
  | 'DIAG_SIGNATURE_ENCODING'
  | 'DIAG_STALE_DAY'
  | 'DIAG_DAY_FORMAT'
  | 'DIAG_MESSAGE_FRAMING'
  | 'DIAG_CLIENT_ID'
  | 'DIAG_TIME_ZONE'
  | 'DIAG_API_KEY_PLACEMENT'
  | 'DIAG_HOST_SIGNED'
  | TargetChangeCode
  | 'DIAG_TARGET_CHANGED'
  | 'DIAG_FRAGMENT_RECEIVED';

/** Every diagnosis code with a short title, for lists and headings (its `message` says the particular case). */
export const DIAGNOSES: Readonly<Record<NopsDiagnosisCode, string>> = {
  DIAG_OTHER_KEY: 'Signed with another key',
  DIAG_HASH_ALGORITHM: 'Signed over another digest than SHA-256',
  DIAG_PADDING: 'Signed with RSA-PSS, not PKCS#1 v1.5',
  DIAG_SIGNATURE_ENCODING: 'The signature in another encoding',
  DIAG_STALE_DAY: 'Signed days before',
  DIAG_DAY_FORMAT: 'The day in another format',
  DIAG_MESSAGE_FRAMING: 'The message with a trailing newline',
  DIAG_CLIENT_ID: 'Another client id signed',
  DIAG_TIME_ZONE: 'The day before or after: another time zone, or midnight',
  DIAG_API_KEY_PLACEMENT: 'The API key signed in the other placement',
  DIAG_HOST_SIGNED: 'The scheme and host were signed',
  ...TARGET_CHANGE_TITLES,
  DIAG_TARGET_CHANGED: 'The target changed in transit',
  DIAG_FRAGMENT_RECEIVED: 'A fragment arrived after the signed URL',
};

export interface NopsDiagnoseOptions {
  /** The URL the client passed to its signer (the signer adds the slash and, in query form, `api_key`). */
  readonly expectedUrl?: string | undefined;
  /** Other public keys to try, by a name of the caller's choosing: a finding names the one that verifies. */
  readonly otherKeys?: Readonly<Record<string, PublicKeyInput>> | undefined;
  /** `scheme://host[:port]` the client may have signed in front of the target (`DIAG_HOST_SIGNED`), besides the URL's own. */
  readonly origins?: readonly string[] | undefined;
  /** Path prefixes a router may have stripped before verification (`DIAG_MOUNT_PREFIX`), e.g. `['/api']`. */
  readonly prefixes?: readonly string[] | undefined;
}

/** The request as the verifier reads it. */
export interface NopsRequestView {
  /** Null for a `{ message }` input. */
  readonly url: string | null;
  readonly origin: string | null;
  readonly path: string | null;
  readonly query: string | null;
  readonly fragment: string | null;
  readonly parameters: readonly QueryParam[];
  /** The API key's part before the first `.`; null when the key is not a valid nOps key. */
  readonly clientId: string | null;
  /** The day the verifier takes (from a `Date` in `timeZone`, or the `YYYY-MM-DD` given). */
  readonly day: string | null;
  readonly timeZone: string | null;
  readonly apiKeyIn: ApiKeyIn;
}

/** What the verifier computes beside what the request carried. */
export interface NopsServerStages {
  /** The target as received, non-ASCII percent-encoded (null for a `{ message }` input). */
  readonly target: string | null;
  /** `<client id>.<day>.<target>` from the request as it arrived (also when a rule refuses it before the RSA check). */
  readonly message: string;
  /** The `x-nops-signature` as carried; null when the request carried none, or not one string (the header twice). */
  readonly signature: string | null;
  /** SHA-256 of the message, lowercase hex: what a signature of this message holds. */
  readonly messageDigest: string;
  /**
   * What the signature opens to with the public key: `this-key` (a PKCS#1 v1.5 block: this key made it), `other-key`
   * (no such block: another key, another padding or changed bytes; not proven), or null when that cannot be told (a
   * non-extractable CryptoKey, a signature that decodes to no bytes of the key's length).
   */
  readonly signatureKey: 'this-key' | 'other-key' | null;
  /** With `this-key`: the digest algorithm and the digest the signature holds (lowercase hex). */
  readonly signedHash: string | null;
  readonly signedDigest: string | null;
}

/** A message as the client signed it. */
export interface NopsSignedAs {
  readonly message: string;
  /** The index at which it first differs from the server's message, or -1. */
  readonly differsAt: number;
}

/** How the carried signature was written: strict padded base64 is nOps's. */
export type NopsSignatureEncoding = 'base64' | 'base64 with a trailing newline' | 'base64 with line breaks' | 'base64url' | 'hex';

/**
 * The proof of a finding: the carried signature, read as `encoding`, verifies with the key `keyName` (null: the
 * verifier's public key) under `padding` and `hash` over `message`, re-verified with the platform's RSA.
 */
export interface NopsWitness {
  readonly keyName: string | null;
  readonly encoding: NopsSignatureEncoding;
  readonly padding: 'PKCS#1 v1.5' | 'PSS';
  readonly hash: string;
  readonly message: string;
}

/** When nothing verifies: what was tried within the work budget (see the README), and why nothing could be, if so. */
export interface NopsUnexplained {
  readonly tried: readonly string[];
  /** Messages whose digest was computed and compared. */
  readonly digests: number;
  readonly budget: number;
  readonly exhausted: boolean;
  readonly reason: string | null;
  /** What may still be the cause (none of it proven): another key not given, changed bytes, a message not tried. */
  readonly possibilities: readonly string[];
}

interface FindingOf<C extends NopsDiagnosisCode> {
  readonly code: C;
  /** The cause in words (never a key; target bytes, days and names only). */
  readonly message: string;
  /** The message the signature verifies over. */
  readonly signed: NopsSignedAs;
  /** Its proof: see {@link NopsWitness}. */
  readonly witness: NopsWitness;
}

/** A proven cause. The fields beside `code` narrow with it. */
export type NopsFinding =
  | (FindingOf<'DIAG_OTHER_KEY'> & {
      /** The `otherKeys` name that verifies. */
      readonly keyName: string;
    })
  | (FindingOf<'DIAG_SIGNATURE_ENCODING'> & { readonly encoding: NopsSignatureEncoding })
  | (FindingOf<'DIAG_STALE_DAY'> & { readonly day: string; readonly daysBefore: number })
  | (FindingOf<'DIAG_DAY_FORMAT'> & { readonly format: string })
  | (FindingOf<'DIAG_MESSAGE_FRAMING'> & { readonly framing: string })
  | (FindingOf<'DIAG_CLIENT_ID'> & { readonly signedClientId: 'api key' | 'after the dot' })
  | (FindingOf<'DIAG_HASH_ALGORITHM'> & { readonly hash: string })
  | (FindingOf<'DIAG_TIME_ZONE'> & {
      /** The day the client signed. */
      readonly day: string;
      /** The UTC offsets (minutes, -720 to 840) at which the instant falls on that day; null for a `YYYY-MM-DD` date. */
      readonly utcOffsetMinutes: { readonly min: number; readonly max: number } | null;
    })
  | (FindingOf<'DIAG_API_KEY_PLACEMENT'> & { readonly signedIn: ApiKeyIn })
  | (FindingOf<'DIAG_MOUNT_PREFIX'> & { readonly prefix: string })
  | FindingOf<
      Exclude<
        NopsDiagnosisCode,
        | 'DIAG_OTHER_KEY'
        | 'DIAG_HASH_ALGORITHM'
        | 'DIAG_TIME_ZONE'
        | 'DIAG_API_KEY_PLACEMENT'
        | 'DIAG_MOUNT_PREFIX'
        | 'DIAG_SIGNATURE_ENCODING'
        | 'DIAG_STALE_DAY'
        | 'DIAG_DAY_FORMAT'
        | 'DIAG_MESSAGE_FRAMING'
        | 'DIAG_CLIENT_ID'
      >
    >;

/** Why an `x-nops-signature` verifies or not. */
export interface NopsDiagnosis {
  readonly scheme: 'nops';
  readonly valid: boolean;
  /** `verify`'s code for the request, null when it is valid. */
  readonly code: NopsVerifyErrorCode | null;
  readonly message: string | null;
  readonly request: NopsRequestView;
  /** Null when no message can be built from the request (a bad API key, URL or day). */
  readonly server: NopsServerStages | null;
  /** The client's message from `expectedUrl`; null without one. */
  readonly client: NopsSignedAs | null;
  /** The proven causes, each with its witness; empty when none was found (or the request is valid). */
  readonly findings: readonly NopsFinding[];
  /** The witness of the findings; null without findings. */
  readonly witness: NopsWitness | null;
  /** For an invalid signature without findings: what was tried. Null when valid or explained. */
  readonly unexplained: NopsUnexplained | null;
  /**
   * The stages side by side, for display: the `target` as received; the `message` as `received`, the `client`'s and
   * what a finding proved was `signed`; the `digest`, the message's SHA-256 beside the one `signed`; the `signature`
   * carried; and which `key` made it, in words. Each value after the first says where it first differs from the first.
   */
  readonly stages: readonly Stage[];
}

/**
 * Diagnoses an nOps signature that failed verification, with the same arguments as `verify` (and options): see
 * {@link NopsDiagnosis}. Rejects only where `verify` does (argument types, an unreadable key).
 */
export type NopsDiagnoseFunction = (
  input: VerifyInput,
  /** The `x-nops-signature` value as received, as for `verify`: none or several is a finding of `verify`, no error. */
  signature: string | readonly string[] | null | undefined,
  publicKey: PublicKeyInput,
  options?: NopsDiagnoseOptions,
) => Promise<NopsDiagnosis>;
