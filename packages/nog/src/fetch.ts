import { assertFunction, assertObject, assertString, resendable } from '@reqsign/canonical';
import { NogError } from './errors.js';
import type { SignFunction, SignOptions } from './sign.js';

export interface NogFetchOptions {
  readonly keyId: string;
  readonly secretKey: string;
  /** The fetch to send with (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** `authexpires` of each request, default 600. */
  readonly expires?: number;
  /** As for `sign`: default a fresh random nonce per request; `false` for none. A fixed string is refused here. */
  readonly nonce?: false;
}

/** A fetch-compatible function that signs every request at send time. */
export type NogFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Binds `createNogFetch` to a `sign`. */
export function createNogFetchWith(sign: SignFunction): (options: NogFetchOptions) => NogFetch {
  return function createNogFetch(options: NogFetchOptions): NogFetch {
    assertObject(options, 'options', NogError);
    const { keyId, secretKey } = options;
    assertString(keyId, 'keyId', NogError);
    assertString(secretKey, 'secretKey', NogError);
    const send: unknown = options.fetch ?? globalThis.fetch;
    assertFunction(send, 'fetch', NogError);
    if (options.nonce !== undefined && options.nonce !== false) {
      throw new NogError('ERR_INVALID_ARGUMENT', 'nonce must be false or absent (a fixed nonce would work only once)');
    }
    const key = { id: keyId, secret: secretKey };
    const signOptions: { expires?: number; nonce?: false } = {};
    if (options.expires !== undefined) signOptions.expires = options.expires;
    if (options.nonce === false) signOptions.nonce = false;

    return async function nogFetch(input, init) {
      // Sign the URL exactly as it goes on the wire: Request normalizes it (percent-encodes non-ASCII and
      // spaces, removes dot segments), so signing the caller's string could sign other bytes than are sent.
      const request = new Request(input, init);
      const signed = await sign(request.method, request.url, key, { ...signOptions, date: Date.now() } satisfies SignOptions);
      return (send as typeof fetch)(new Request(signed.url, await resendable(request)));
    };
  };
}
