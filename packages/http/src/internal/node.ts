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

/** Removes the auth parameters from a framework's parsed query object (Express 4's `req.query`, Fastify's). */
export function stripAuthParameters(query: unknown): void {
  if (typeof query === 'object' && query !== null) {
    for (const name of AUTH_PARAMETERS) delete (query as Record<string, unknown>)[name];
  }
}
