import { AUTH_PARAMETERS, NogError } from '@reqsign/nog';
import type { NogAuth } from '../types.js';
import { replaceQuery } from './target.js';

/** What the Node integrations read of a request: the URL as received, and the one before a router's mount path. */
interface NodeUrls {
  url?: string | undefined;
  originalUrl?: string | undefined;
}

/** The URL the client signed, as the server received it: before a router stripped its mount path. */
export function receivedUrl(req: NodeUrls): string {
  return req.originalUrl ?? req.url ?? '';
}

/** Checks a `rewriteUrl` option (default true). */
export function checkRewriteUrl(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new NogError('ERR_INVALID_ARGUMENT', 'rewriteUrl must be a boolean');
  return value;
}

/** Removes the auth parameters from the URLs of a verified request, so the application sees its own query only. */
export function rewriteNodeRequest(req: NodeUrls, auth: NogAuth): void {
  // With an `originalUrl` option the request's own URLs were not read: only strings are rewritten.
  if (typeof req.url === 'string') req.url = replaceQuery(req.url, auth.query);
  if (typeof req.originalUrl === 'string') req.originalUrl = replaceQuery(req.originalUrl, auth.query);
}

/**
 * Removes the auth parameters from a framework's parsed query object (Fastify's `request.query`, or a Connect
 * request's `req.query` that no Express 4 app parsed). A parser that folds several names into one key (qs:
 * `authkeyid[]=x` is `authkeyid: ['x']`) loses the application's parameters of that key too: see
 * {@link reparseExpressQuery} for Express 4.
 */
export function stripAuthParameters(query: unknown): void {
  if (typeof query === 'object' && query !== null) {
    for (const name of AUTH_PARAMETERS) delete (query as Record<string, unknown>)[name];
  }
}

/** What an Express 4 request carries of its app: the settings getter (`app.get(name)`). */
interface ExpressAppLike {
  get?: (setting: string) => unknown;
}

/**
 * Express 4 parses `req.query` before any middleware runs, with its app's `query parser fn` (qs by default, which
 * folds `authkeyid[]=x` and `authkeyid=...` into one key). The clean query is parsed again with that same function,
 * as Express 4 parsed the original (its `parseurl(req).query`: `null` when the URL has no `?`), so the application
 * sees what its parser makes of the verified query: its own `authkeyid[]` kept, the auth parameters gone. False when
 * the request has no Express app with a query parser function (the caller then removes the auth names itself).
 */
export function reparseExpressQuery(req: object, query: string | null): boolean {
  // An Express app is a function (the request handler) with the settings getter as a method.
  const app = (req as { app?: ExpressAppLike }).app;
  if ((typeof app !== 'function' && typeof app !== 'object') || app === null || typeof app.get !== 'function') return false;
  const parse = app.get('query parser fn');
  if (typeof parse !== 'function') return false;
  (req as { query?: unknown }).query = parse(query);
  return true;
}
