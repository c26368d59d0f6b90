import { assertFunction, assertObject, assertString, resendable } from '@reqsign/canonical';
import { NogError } from './errors.js';
import type { NogKey, SignFunction, SignOptions } from './sign.js';

export interface NogFetchOptions {
  /** The key to sign with, as for `sign`: `{ id, secret }`. */
  readonly key: NogKey;
  /**
   * What a relative URL (`/api/blobs/x`) is resolved against, e.g. `https://nog.example.org`. Without it a relative
   * URL is `ERR_INVALID_ARGUMENT` outside a browser page (which resolves against its own location).
   */
  readonly baseUrl?: string | URL | undefined;
  /** The fetch to send with (default `globalThis.fetch`, looked up at each call). */
  readonly fetch?: typeof fetch | undefined;
  /** `authexpires` of each request, default 600. */
  readonly expires?: number | undefined;
  /** As for `sign`: default a fresh random nonce per request; `false` for none. A fixed string is refused here. */
  readonly nonce?: false | undefined;
  /**
   * Milliseconds to add to this machine's clock for the `authdate` (default 0): the server's time minus this
   * client's, for a client whose clock is off (`Date.parse(response.headers.get('date')) - Date.now()`, say).
   */
  readonly clockOffset?: number | undefined;
}

/** A fetch-compatible function that signs every request at send time. */
export type NogFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const invalid = (message: string): NogError => new NogError('ERR_INVALID_ARGUMENT', message);

/** Binds `createNogFetch` to a `sign`. */
export function createNogFetchWith(sign: SignFunction): (options: NogFetchOptions) => NogFetch {
  return function createNogFetch(options: NogFetchOptions): NogFetch {
    assertObject(options, 'options', NogError);
    assertObject(options.key, 'key', NogError);
    const { id, secret } = options.key;
    assertString(id, 'key.id', NogError);
    assertString(secret, 'key.secret', NogError);
    if (options.fetch !== undefined) assertFunction(options.fetch, 'fetch', NogError);
    if (options.nonce !== undefined && options.nonce !== false) {
      throw invalid('nonce must be false or absent (a fixed nonce would work only once)');
    }
    const { baseUrl: base, clockOffset: offset = 0 } = options;
    try {
      if (base !== undefined) new URL(base);
    } catch {
      throw invalid('baseUrl must be an absolute URL');
    }
    if (!Number.isFinite(offset)) throw invalid('clockOffset must be a finite number');
    const key = { id, secret };
    const signOptions: { expires?: number; nonce?: false } = {};
    if (options.expires !== undefined) signOptions.expires = options.expires;
    if (options.nonce === false) signOptions.nonce = false;

    return async function nogFetch(input, init) {
      let request: Request;
      try {
        const resolved = base === undefined || input instanceof Request ? input : new URL(input, base);
        // Sign the URL exactly as it goes on the wire: Request normalizes it (percent-encodes non-ASCII and
        // spaces, removes dot segments), so signing the caller's string could sign other bytes than are sent.
        request = new Request(resolved, init);
      } catch (cause) {
        throw new NogError('ERR_INVALID_ARGUMENT', 'input must be a URL (relative: with baseUrl) or a Request', { cause });
      }
      const date = Date.now() + offset;
      const signed = await sign(request.method, request.url, key, { ...signOptions, date } satisfies SignOptions);
      const send = options.fetch ?? globalThis.fetch;
      return send(new Request(signed.url, await resendable(request)));
    };
  };
}
