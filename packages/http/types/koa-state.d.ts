// @reqsign/http/koa-state: the Koa middleware of `@reqsign/http/koa`, with `ctx.state.nogAuth` typed for Koa apps
// typed with @types/koa. Koa itself ships no types, so `@reqsign/http/koa` is typed by shape and adds nothing to
// Koa's types; importing from this entry instead adds `nogAuth` to Koa's `DefaultState`.
import type { NogAuth } from '@reqsign/http/koa';

declare module 'koa' {
  interface DefaultState {
    /** Set by `@reqsign/http/koa` for a request whose nog-v1 signature holds (`undefined` where it did not run). */
    nogAuth?: NogAuth | undefined;
  }
}

export * from '../dist/koa.js';
