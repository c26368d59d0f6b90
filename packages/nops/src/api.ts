// What both builds export besides the operations, which each build binds to its crypto provider.
export { NopsError, type NopsErrorCode } from './errors.js';
// The base class of every reqsign error, and the error of canonical's checks that passes through (a URL, a date):
// one import catches any of them (`e instanceof ReqsignError`).
export { ReqsignError, CanonicalError } from '@reqsign/canonical';
export { buildMessage, type MessageOptions, type NopsMessage } from './message.js';
export {
  DEFAULT_BASE_URL,
  retryOn503,
  type NopsFetch,
  type NopsFetchOptions,
  type CreateNopsFetchFunction,
  type KeyProvider,
} from './fetch.js';
export type { RetryOptions, RetryStrategy } from '@reqsign/canonical';
export { signWithCryptoKey, type SignWithCryptoKeyOptions } from './signWithCryptoKey.js';
export type { GenerateKeyPairOptions, NopsKeyPair, GenerateKeyPairFunction } from './generateKeyPair.js';
export type { SignOptions, SignResult, SignFunction } from './sign.js';
export type {
  VerifyInput,
  ReceivedRequest,
  VerifyResult,
  VerifySuccess,
  VerifyFailure,
  VerifyFunction,
  NopsVerifyErrorCode,
} from './verify.js';
export type { ApiKeyIn, CryptoKeyLike, DateInput, KeyObjectLike, PrivateKeyInput, PublicKeyInput, RsaJwk } from './types.js';
