import { assertObject, assertString, ReqsignError, type DateErrorCode, type TargetErrorCode } from '@reqsign/canonical';
import { NopsError, invalidArgument } from './errors.js';
import { messageOf, type MessageParts } from './internal/messageOf.js';
import { RECEIVED } from './internal/received.js';
import type { VerifyCrypto } from './internal/provider.js';
import { isFailureCode } from './internal/requestCodes.js';
import type { PublicKeyInput } from './types.js';

/** The parts of a request as sent, to verify its signature. */
export interface ReceivedRequest extends Omit<MessageParts, 'trailingSlash' | 'apiKey'> {
  /**
   * The nOps API key: in query form the key the URL must end with (the caller's); in header form the request's
   * `x-nops-api-key` value as received, where none (`undefined`) or several (an array) is the result
   * `ERR_NOPS_API_KEY`, not an error.
   */
  readonly apiKey: string | readonly string[] | undefined;
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
  | 'ERR_NOPS_SIGNATURE_MISSING'
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
export type VerifyFunction = (
  input: VerifyInput,
  /**
   * The `x-nops-signature` value exactly as received. What a request can carry is a result, never an error: no header
   * (`undefined`, `null`) is `ERR_NOPS_SIGNATURE_MISSING`; a repeated header (an array, as `headersDistinct` gives)
   * or any other value that is not one string is `ERR_NOPS_SIGNATURE_ENCODING`.
   */
  signature: string | readonly string[] | null | undefined,
  publicKey: PublicKeyInput,
) => Promise<VerifyResult>;

const INVALID: VerifyFailure = /* @__PURE__ */ Object.freeze({
  ok: false,
  code: 'ERR_NOPS_SIGNATURE_INVALID',
  message: 'Invalid signature.',
});

/**
 * The signature header's value as one string: a request without one, or with several (an array) or something else
 * (a framework's parsed value), fails at the step of the signature's encoding (docs/spec/nops.md), as a result.
 */
function signatureText(signature: unknown): string {
  if (typeof signature === 'string') return signature;
  if (signature === undefined || signature === null) {
    throw new NopsError('ERR_NOPS_SIGNATURE_MISSING', 'The request carries no x-nops-signature');
  }
  throw new NopsError(
    'ERR_NOPS_SIGNATURE_ENCODING',
    Array.isArray(signature) ? 'The request carries more than one x-nops-signature' : 'The signature is not a string',
  );
}

/**
 * Binds `verify` to the verifying part of a crypto provider. The checks, in order: the input (the request parts,
 * as in `sign`), the signature's encoding, the key, then the signature itself, which must cover the URL as received
 * to its end: a `#fragment` there is an unsigned tail, `ERR_NOPS_SIGNATURE_INVALID` (as nog-v1's verifier answers).
 */
export function verifyWith(crypto: VerifyCrypto): VerifyFunction {
  return async function verify(input, signature, publicKey) {
    assertObject(input, 'input', NopsError);
    let message: string;
    let bytes: Uint8Array;
    // A `#` in the URL as received: what follows it is a tail the signature does not cover (a client never sends a
    // fragment, and a server that keeps it, as Node's req.url does, may read it as part of the query).
    let tail = false;
    try {
      if ('message' in input) {
        assertString(input.message, 'input.message', NopsError);
        message = input.message;
      } else {
        if (input.date === undefined) invalidArgument('date is required to verify a request');
        // In header form the API key is the request's x-nops-api-key header: absent or repeated, it is the request's
        // failure (in query form it is the caller's own key, and its type is the caller's).
        if (input.apiKeyIn === 'header' && typeof input.apiKey !== 'string') {
          throw new NopsError(
            'ERR_NOPS_API_KEY',
            Array.isArray(input.apiKey) ? 'The request carries more than one x-nops-api-key' : 'The request carries no x-nops-api-key',
          );
        }
        message = messageOf(input.url, input as MessageParts, RECEIVED).message;
        tail = input.url.includes('#');
      }
      bytes = crypto.decodeSignature(signatureText(signature));
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
    return valid && !tail ? { ok: true, signedMessage: message } : INVALID;
  };
}
