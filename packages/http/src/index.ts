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
