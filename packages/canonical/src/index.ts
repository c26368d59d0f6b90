export {
  ReqsignError,
  CanonicalError,
  assertString,
  assertObject,
  assertFunction,
  assertBoolean,
  type ArgumentErrorClass,
  type ErrorClass,
  type CanonicalErrorCode,
  TARGET_ERROR_CODES,
  DATE_ERROR_CODES,
  type TargetErrorCode,
  type DateErrorCode,
} from './errors.js';
export {
  parseRequestTarget,
  parseReceivedTarget,
  receivedTargetOf,
  formatUrl,
  DEFAULT_MAX_URL_LENGTH,
  type RequestTarget,
  type RequestTargetOptions,
} from './requestTarget.js';
export { hasQuery, appendQuery, parseQuery, serializeQuery, percentSpellings, type QueryParam, type ParseQueryOptions } from './query.js';
export { formatDateTime, parseDateTime, formatDay, parseDay } from './date.js';
export { utf8, toHex, fromHex, toBase64, fromBase64, toBase64Url, fromBase64Url, encodeNonAscii } from './encoding.js';
export { isHttpToken, isUnreserved } from './grammar.js';
export { timingSafeEqual } from './constantTime.js';
export { boundedCache, type BoundedCache } from './cache.js';
export { subtleCrypto, randomFill, type Subtle } from './webcrypto.js';
export { resendable, REQUEST_FIELDS } from './request.js';
export { removeDotSegments, percentDecodedBytes, firstDifference } from './normalize.js';
export {
  targetVariants,
  findTargetChange,
  TARGET_CHANGE_CODES,
  TARGET_CHANGE_TITLES,
  type TargetChange,
  type TargetChangeCode,
  type TargetVariant,
  type TargetVariantOptions,
} from './targetChanges.js';
export { stageOf, type Stage, type StageValue } from './stages.js';
export {
  NonceStoreError,
  NONCE_STORE_ERROR_CODES,
  nonceStoreKey,
  assertNonceClaim,
  type NonceStoreErrorCode,
  type ScopedNonceClaim,
  type ScopedNonceStore,
} from './nonceStore.js';
export { readClock, type ClockErrorClass } from './clock.js';
export {
  sendWithRetries,
  retryOn503With,
  retryAfterMs,
  backoffMs,
  delay,
  discard,
  peekBody,
  defaultWarningHandler,
  BACKOFF_BASE_MS,
  MAX_SENDS,
  type RetryOptions,
  type RetryStrategy,
  type SendLoop,
  type ReqsignWarning,
  type WarningHandler,
} from './client.js';
export { editDistance, closest, didYouMean, assertKnownOptions, assertOptionNames } from './suggest.js';
