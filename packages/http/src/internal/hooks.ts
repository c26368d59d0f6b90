import { assertFunction } from '@reqsign/canonical';
import { NogError, type VerifyFailure } from '@reqsign/nog';
import type { NogFailureEvent } from '../types.js';

/** A key id as a client may send it: what a log may show (anything else is shown as `null`). */
const KEY_ID = /^[A-Za-z0-9\-._~]{1,128}$/;

/** The raw `authkeyid` value of a URL, if it has one that looks like a key id (the request's claim, not a fact). */
function keyIdOf(url: string): string | null {
  const hash = url.indexOf('#');
  const question = url.indexOf('?');
  if (question === -1 || (hash !== -1 && hash < question)) return null;
  const query = url.slice(question + 1, hash === -1 ? undefined : hash);
  for (const pair of query.split('&')) {
    if (pair.startsWith('authkeyid=')) {
      const value = pair.slice('authkeyid='.length);
      return KEY_ID.test(value) ? value : null;
    }
  }
  return null;
}

/**
 * The path of a URL (absolute or origin-form), without its query and fragment: what a log may show. An absolute URL
 * loses its scheme and authority, userinfo (`user:password@`) included, and an empty path is `/` (as HTTP sends it);
 * any other target (`*`, `host:port`) is shown up to its query, without anything up to an `@`.
 */
export function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  const bare = end === -1 ? url : url.slice(0, end);
  let path: string;
  if (bare.startsWith('/')) path = bare;
  else {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(bare);
    if (scheme === null) path = bare.slice(bare.lastIndexOf('@') + 1);
    else {
      const slash = bare.indexOf('/', scheme[0].length);
      path = slash === -1 ? '/' : bare.slice(slash);
    }
  }
  return path.slice(0, 2048);
}

export type FailureHook = (event: NogFailureEvent) => void;

/** Checks an `onFailure` option. */
export function checkOnFailure(fn: unknown): FailureHook | undefined {
  if (fn !== undefined) assertFunction(fn, 'onFailure', NogError);
  return fn as FailureHook | undefined;
}

/**
 * Tells `onFailure` about a refused request: its code, status, method, path and the key id it claimed, and for a 503
 * the cause the verifier kept; never the query, the signature or any secret of ours. A hook that throws does not change the answer: the error is dropped, since
 * logging must not turn a 401 into a 500.
 */
export function reportFailure(hook: FailureHook | undefined, result: VerifyFailure, method: string, url: string): void {
  if (hook === undefined) return;
  try {
    const event: NogFailureEvent = {
      code: result.code,
      status: result.status,
      message: result.message,
      keyId: keyIdOf(url),
      method,
      path: pathOf(url),
    };
    hook(result.cause === undefined ? event : { ...event, cause: result.cause });
  } catch {
    // see above
  }
}
