import {
  assertObject,
  assertString,
  DATE_ERROR_CODES,
  parseReceivedTarget,
  ReqsignError,
  TARGET_ERROR_CODES,
  type DateErrorCode,
  type TargetErrorCode,
} from '@reqsign/canonical';
import { NopsError, invalidArgument } from './errors.js';
import { dayOf } from './internal/day.js';
import { apiKeyParams, messageOf, type MessageParts, type Side } from './internal/messageOf.js';
import type { VerifyCrypto } from './internal/provider.js';
import type { PublicKeyInput } from './types.js';

/** The parts of a request as sent, to verify its signature. */
export interface ReceivedRequest extends Omit<MessageParts, 'trailingSlash'> {
  /**
   * The URL as sent (absolute, or origin-form where a leading `//` starts a path): in query form it ends with
   * `api_key=<apiKey>`.
   */
  readonly url: string;
  /** The day the signature claims: a `Date` (in `timeZone`, default UTC) or `YYYY-MM-DD`. Required. */
  readonly date: Date | string;
}

/** What was signed: the message itself, or the parts of the request as sent, from which it is rebuilt. */
export type VerifyInput = { readonly message: string } | ReceivedRequest;

/**
 * The codes a verification can fail with: a well-formed signature that does not match, one that is not strict
 * base64, and the request parts that no well-behaved client sends (with the canonical codes of a bad URL or date).
 */
export type NopsVerifyErrorCode =
  | 'ERR_NOPS_SIGNATURE_INVALID'
  | 'ERR_NOPS_SIGNATURE_ENCODING'
  | 'ERR_NOPS_API_KEY'
  | 'ERR_NOPS_API_KEY_PARAM'
  | 'ERR_NOPS_TRAILING_SLASH'
  | 'ERR_NOPS_DATE'
  | TargetErrorCode
  | DateErrorCode;

/** A signature that checked out. */
export interface VerifySuccess {
  readonly ok: true;
  /** The nOps message whose signature was checked: `<client id>.<YYYY-MM-DD>.<target>`. */
  readonly signedMessage: string;
}

/** A request or signature that failed: a stable code and a fixed message (never a key or signature). */
export interface VerifyFailure {
  readonly ok: false;
  readonly code: NopsVerifyErrorCode;
  readonly message: string;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

/**
 * Verifies an `x-nops-signature` (see {@link VerifyInput}). Resolves to a result for anything a request can carry;
 * rejects only for what the caller controls: an argument of the wrong type (`ERR_INVALID_ARGUMENT`), a public key
 * that is not an RSA public key of 1024 to 16384 bits (`ERR_NOPS_KEY`), no WebCrypto (`ERR_CRYPTO_UNAVAILABLE`).
 */
export type VerifyFunction = (input: VerifyInput, signature: string, publicKey: PublicKeyInput) => Promise<VerifyResult>;

/**
 * nOps's own codes that a request's content fails with (all but `ERR_NOPS_SIGNATURE_INVALID`, which the comparison
 * decides): a record of every such code, so a code added to the union and not here is a type error. With canonical's
 * target and date codes, a thrown error with one of them is the request's failure; any other is the caller's.
 */
const NOPS_REQUEST_CODES: Readonly<
  Record<Exclude<NopsVerifyErrorCode, 'ERR_NOPS_SIGNATURE_INVALID' | TargetErrorCode | DateErrorCode>, true>
> = {
  ERR_NOPS_SIGNATURE_ENCODING: true,
  ERR_NOPS_API_KEY: true,
  ERR_NOPS_API_KEY_PARAM: true,
  ERR_NOPS_TRAILING_SLASH: true,
  ERR_NOPS_DATE: true,
};
let failureCodes: ReadonlySet<string> | undefined;
/** Whether a thrown code is a failure of the request (made once, on the first failure, so that sign bundles drop it). */
const isFailureCode = (code: string): boolean =>
  (failureCodes ??= new Set([...Object.keys(NOPS_REQUEST_CODES), ...TARGET_ERROR_CODES, ...DATE_ERROR_CODES])).has(code);

let lastDay: string | undefined;

/**
 * A verifier checks a request as a server got it: its URL read as received (a leading `//` starts a path), nothing
 * added or corrected, in query form ending with `api_key=<key>` once, in header form with no `api_key` at all.
 */
export const RECEIVED: Side = {
  name: 'input',
  parse: (url) => parseReceivedTarget(url),
  slash: () => 'reject',
  target(base, query, apiKey, apiKeyIn) {
    // The usual case, checked without splitting the query (or building the expected tail): it ends with
    // api_key=<key>, its only mention of api_key.
    if (apiKeyIn === 'query' && query !== null) {
      const at = query.length - apiKey.length - 8;
      if (
        at >= 0 &&
        query.endsWith(apiKey) &&
        query.startsWith('api_key=', at) &&
        (at === 0 || query.charCodeAt(at - 1) === 0x26) /* & */ &&
        query.indexOf('api_key') === at
      ) {
        return base;
      }
    }
    const params = apiKeyParams(query);
    if (apiKeyIn === 'header' && params.length > 0) {
      throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In header form the URL must not carry an api_key parameter');
    }
    if (apiKeyIn === 'query') {
      // Split: the last parameter must be exactly api_key=<key>, and the only api_key.
      const last = query === null ? undefined : query.slice(query.lastIndexOf('&') + 1);
      if (params.length !== 1 || last !== `api_key=${apiKey}`) {
        throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In query form the URL must end with the api_key parameter, once');
      }
    }
    return base;
  },
  // A verifier reads the same day request after request: the last one found valid is not checked again (parseDay
  // builds a Date to check a day, a third of the cost verify adds to crypto.verify; npm run bench).
  day(date, timeZone) {
    if (typeof date === 'string' && date === lastDay && timeZone === undefined) return date;
    const day = dayOf(date, timeZone);
    if (typeof date === 'string') lastDay = day;
    return day;
  },
};

const INVALID: VerifyFailure = /* @__PURE__ */ Object.freeze({
  ok: false,
  code: 'ERR_NOPS_SIGNATURE_INVALID',
  message: 'Invalid signature.',
});

/**
 * Binds `verify` to the verifying part of a crypto provider. The checks, in order: the input (the request parts,
 * as in `sign`), the signature's encoding, the key, then the signature itself.
 */
export function verifyWith(crypto: VerifyCrypto): VerifyFunction {
  return async function verify(input, signature, publicKey) {
    assertObject(input, 'input', NopsError);
    // The caller's types first, before anything the request carries can answer.
    assertString(signature, 'signature', NopsError);
    let message: string;
    let bytes: Uint8Array;
    try {
      if ('message' in input) {
        assertString(input.message, 'input.message', NopsError);
        message = input.message;
      } else {
        if (input.date === undefined) invalidArgument('date is required to verify a request');
        message = messageOf(input.url, input, RECEIVED).message;
      }
      bytes = crypto.decodeSignature(signature);
    } catch (err) {
      // What the request carried is a result; what the caller passed (types) stays an error.
      if (err instanceof ReqsignError && isFailureCode(err.code)) {
        return { ok: false, code: err.code as NopsVerifyErrorCode, message: err.message };
      }
      throw err;
    }
    const pending = crypto.key(publicKey, 'public');
    const key = pending instanceof Promise ? await pending : pending;
    const result = crypto.verify(key, message, bytes);
    const valid = typeof result === 'boolean' ? result : await result;
    return valid ? { ok: true, signedMessage: message } : INVALID;
  };
}
