// Types only: see koa-state.d.ts.
export {};
