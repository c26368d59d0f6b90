export { withNogAuth } from './withNogAuth.js';
export {
  createNogAuthenticator,
  getNogAuth,
  type NogAuthenticator,
  type NogFetchAuthOptions,
} from './authenticate.js';
export {
  nogMiddleware,
  type NogMiddleware,
  type NogMiddlewareOptions,
  type NodeRequestLike,
  type NodeResponseLike,
} from './nogMiddleware.js';
export type {
  NogAuth,
  NogAuthFailure,
  NogFailureEvent,
  NogHookOptions,
  NogPreflightOptions,
  NogVerifierOptions,
  NogVerifierSource,
  NogProxyOptions,
} from './types.js';
// The errors the integrations throw (a NogError for a bad option, from here or from createVerifier), and their base
// class: one import catches any of them.
export { ReqsignError } from '@reqsign/canonical';
export { NogError, type NogErrorCode } from '@reqsign/nog';
