// @reqsign/http/koa-state: `ctx.state.nogAuth` typed for Koa apps typed with @types/koa. Opt in with
// `import '@reqsign/http/koa-state';` (an empty module at run time). Koa itself ships no types, so the Koa middleware
// (`@reqsign/http/koa`) is typed by shape and adds nothing to Koa's types unless this entry is imported.
import type { NogAuth } from '@reqsign/http/koa';

declare module 'koa' {
  interface DefaultState {
    /** Set by `@reqsign/http/koa` for a request whose nog-v1 signature holds (`undefined` where it did not run). */
    nogAuth?: NogAuth | undefined;
  }
}
