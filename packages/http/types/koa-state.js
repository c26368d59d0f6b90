// The Koa middleware; the types beside this file add ctx.state.nogAuth to Koa's (see koa-state.d.ts).
export * from '../dist/koa.js';
