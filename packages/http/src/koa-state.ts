/**
 * `@reqsign/http/koa-state`: the Koa middleware of `@reqsign/http/koa`, with `ctx.state.nogAuth` typed for apps typed
 * with `@types/koa` (Koa's `DefaultState`, merged). Koa ships no types, so `@reqsign/http/koa` is typed by shape and
 * adds nothing to Koa's types; import the middleware from here instead to have them.
 */
import type {} from 'koa';
import type { NogAuth } from './types.js';

declare module 'koa' {
  interface DefaultState {
    /** Set by `@reqsign/http/koa` for a request whose nog-v1 signature holds (`undefined` where it did not run). */
    nogAuth?: NogAuth | undefined;
  }
}

export * from './koa.js';
