import { parseDateTime, parseReceivedTarget, timingSafeEqual } from '@reqsign/canonical';
import { AUTH_MESSAGES, NogError, assertStringArg, type NogAuthErrorCode } from './errors.js';
import { MemoryNonceStore, type NonceStore } from './nonceStore.js';
import { deadlineOf } from './internal/deadline.js';
import { readAuthParams, type AuthParams } from './internal/params.js';
import type { CryptoProvider } from './internal/provider.js';

/** Where a verifier finds the secret of a key id: a map, a record, or a (possibly async) function. */
export type KeyLookup =
  | Readonly<Record<string, string>>
  | ReadonlyMap<string, string>
  | ((keyId: string) => string | null | undefined | Promise<string | null | undefined>);

export interface VerifierOptions {
  /** keyId -> secret. A function may be async; it returning null, undefined or '' means an unknown key. */
  readonly keys: KeyLookup;
  /** The clock, milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Seconds a signature without `authexpires` stays valid (default 300, as the original server). */
  readonly defaultExpires?: number;
  /** The largest `authexpires` accepted with a nonce (default 3600, as the original server). */
  readonly maxExpiresWithNonce?: number;
  /** The largest `authexpires` accepted without a nonce (default none, as the original server). */
  readonly maxExpires?: number;
  /** Seconds an authdate may lie in the future (default 900, as AWS). */
  readonly maxClockSkew?: number;
  /** Reject requests without `authnonce` (default false: the nonce is optional, as in the original). */
  readonly requireNonce?: boolean;
  /** Where seen nonces are kept (default: a new {@link MemoryNonceStore} on the same clock). */
  readonly nonceStore?: NonceStore;
  /** The longest URL accepted, in UTF-16 code units (default 16384, Node's default header limit). */
  readonly maxUrlLength?: number;
}

/** A request whose signature checked out. */
export interface VerifySuccess {
  readonly ok: true;
  readonly keyId: string;
  readonly authdate: Date;
  /** The instant after which the signature is expired (authdate + authexpires). */
  readonly expiresAt: Date;
  readonly nonce: string | null;
  /** The target the application should see: path and query with the auth parameters removed. */
  readonly target: string;
  /** The query with the auth parameters removed: null when none is left and the client's target had no `?`. */
  readonly query: string | null;
}

/** A request that failed: a stable code, the fixed message, and the HTTP status to answer with. */
export interface VerifyFailure {
  readonly ok: false;
  readonly code: NogAuthErrorCode;
  readonly message: string;
  /** 503 for `ERR_AUTH_NONCE_STORE` (the store failed, try again), 401 for everything else. */
  readonly status: 401 | 503;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

export interface Verifier {
  /** Verifies a nog-v1 signed request. Resolves to a result for any two strings; never throws for bad input. */
  verify(method: string, url: string): Promise<VerifyResult>;
}

/** The verifier's defaults. */
export const VERIFIER_DEFAULTS: {
  readonly defaultExpires: 300;
  readonly maxExpiresWithNonce: 3600;
  readonly maxClockSkew: 900;
  readonly maxUrlLength: 16384;
} = { defaultExpires: 300, maxExpiresWithNonce: 3600, maxClockSkew: 900, maxUrlLength: 16384 };

const failures = new Map<string, VerifyFailure>();
function fail(code: NogAuthErrorCode, message: string = AUTH_MESSAGES[code]): VerifyFailure {
  const k = code + message;
  let f = failures.get(k);
  if (f === undefined) {
    f = Object.freeze({ ok: false, code, message, status: code === 'ERR_AUTH_NONCE_STORE' ? 503 : 401 } as const);
    failures.set(k, f);
  }
  return f;
}
const missing = (field: string): VerifyFailure => fail('ERR_AUTH_FIELD_MISSING', `Invalid signature (missing ${field}).`);

function seconds(options: VerifierOptions, name: keyof typeof VERIFIER_DEFAULTS | 'maxExpires', min: number): number | undefined {
  const v = options[name];
  if (v === undefined) return name === 'maxExpires' ? undefined : VERIFIER_DEFAULTS[name];
  if (typeof v !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', `${name} must be a number`);
  if (!Number.isSafeInteger(v) || v < min) throw new NogError('ERR_OPTION_RANGE', `${name} must be a whole number, ${min} or more`);
  return v;
}

function toLookup(keys: unknown): (keyId: string) => unknown {
  if (typeof keys === 'function') return keys as (keyId: string) => unknown;
  if (keys instanceof Map) return (id) => keys.get(id);
  if (typeof keys === 'object' && keys !== null) {
    const map = new Map<string, string>();
    for (const [id, secret] of Object.entries(keys)) {
      if (typeof secret !== 'string') throw new NogError('ERR_INVALID_ARGUMENT', 'keys must map key ids to secret strings');
      map.set(id, secret);
    }
    return (id) => map.get(id);
  }
  throw new NogError('ERR_INVALID_ARGUMENT', 'keys must be a Map, a record or a function');
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Builds `createVerifier` over a crypto provider. */
export function createVerifierFactory(provider: CryptoProvider): (options: VerifierOptions) => Verifier {
  return function createVerifier(options: VerifierOptions): Verifier {
    if (typeof options !== 'object' || options === null) throw new NogError('ERR_INVALID_ARGUMENT', 'options must be an object');
    const lookup = toLookup(options.keys);
    const now = options.now ?? Date.now;
    if (typeof now !== 'function') throw new NogError('ERR_INVALID_ARGUMENT', 'now must be a function');
    const defaultExpires = seconds(options, 'defaultExpires', 0)!;
    const maxExpiresWithNonce = seconds(options, 'maxExpiresWithNonce', 0)!;
    const maxExpires = seconds(options, 'maxExpires', 0);
    const skewMs = seconds(options, 'maxClockSkew', 0)! * 1000;
    const maxLength = seconds(options, 'maxUrlLength', 1)!;
    const requireNonce = options.requireNonce ?? false;
    if (typeof requireNonce !== 'boolean') throw new NogError('ERR_INVALID_ARGUMENT', 'requireNonce must be a boolean');
    const store = options.nonceStore ?? new MemoryNonceStore({ now });
    if (typeof store !== 'object' || store === null || typeof store.claim !== 'function') {
      throw new NogError('ERR_INVALID_ARGUMENT', 'nonceStore must have a claim function');
    }
    const urlOptions = { maxLength };
    // The authdate changes once a second: keep the last one parsed.
    let lastDate: string | undefined;
    let lastDateMs = 0;

    /** A request that passed steps 0-3, on its way through the key, the signature and the nonce. */
    interface Pending {
      readonly method: string;
      readonly target: string;
      readonly path: string;
      readonly p: AuthParams;
      readonly keyId: string;
      readonly date: string;
      readonly authMs: number;
      readonly expires: number;
      readonly deadline: number;
      /** Where `&authsignature=` starts, or -1 when the signature does not end the URL as received. */
      readonly signatureAmp: number;
    }

    // Steps 0-3 and the key lookup, synchronously; the rest continues synchronously unless the key lookup, the
    // HMAC or the nonce store answers with a promise. No async function: most calls need no microtask at all.
    function start(method: string, url: string): VerifyResult | Promise<VerifyResult> {
      assertStringArg(method, 'method');
      assertStringArg(url, 'url');
      const nowMs = now();
      // 0. Parse. Not a request target, a repeated or encoded auth parameter: the original crashed (HTTP 500).
      let parts;
      try {
        // A received target: `//a/b` is a path (`GET //a/b HTTP/1.1`), not a host.
        parts = parseReceivedTarget(url, urlOptions);
      } catch {
        return fail('ERR_AUTH_MALFORMED');
      }
      const { target } = parts;
      const q = target.indexOf('?');
      if (q === -1) return missing('authkeyid');
      const p = readAuthParams(target, q);
      if (p === null) return fail('ERR_AUTH_MALFORMED');
      // 1. The three fields the original requires, in its order; the algorithm, when given; a required nonce.
      const { keyId, signature, date } = p;
      if (keyId === undefined) return missing('authkeyid');
      if (signature === undefined) return missing('authsignature');
      if (date === undefined) return missing('authdate');
      if (p.algorithm !== undefined && p.algorithm !== 'nog-v1') return fail('ERR_AUTH_ALGORITHM_UNSUPPORTED');
      if (requireNonce && p.nonce === undefined) return missing('authnonce');
      // 2. The authdate: the pattern and a date that exists (the original let 2015-13-45 through as NaN).
      let authMs: number;
      if (date === lastDate) authMs = lastDateMs;
      else {
        try {
          authMs = parseDateTime(date).getTime();
        } catch {
          return fail('ERR_AUTH_DATE_INVALID');
        }
        lastDate = date;
        lastDateMs = authMs;
      }
      // 3. Expiry (the deadline itself is still valid), then the clock skew for dates in the future.
      const deadline = deadlineOf(authMs, p.expires, defaultExpires);
      if (Number.isNaN(deadline)) return fail('ERR_AUTH_EXPIRES_INVALID');
      if (nowMs > deadline) return fail('ERR_AUTH_SIG_EXPIRED');
      const expires = (deadline - authMs) / 1000;
      if (authMs > nowMs + skewMs) return fail('ERR_AUTH_DATE_FUTURE');
      // 4. The key.
      // The signature must end the URL as received, as the original's anchored match required: anything after it,
      // even a `#fragment` (Node's http server passes one through in req.url), would be an unsigned tail.
      const signatureAmp = parts.fragment === null ? p.signatureAmp : -1;
      const pending: Pending = { method, target, path: parts.path, p, keyId, date, authMs, expires, deadline, signatureAmp };
      const secret = lookup(keyId);
      return isThenable(secret) ? Promise.resolve(secret).then((s) => withKey(pending, s)) : withKey(pending, secret);
    }

    function withKey(r: Pending, secret: unknown): VerifyResult | Promise<VerifyResult> {
      if (secret === undefined || secret === null || secret === '') return fail('ERR_AUTH_KEY_UNKNOWN');
      if (typeof secret !== 'string') throw new NogError('ERR_INVALID_ARGUMENT', 'keys must give a secret string or undefined');
      // 5. The signature: the last parameter, after `&`, 64 lowercase hex, over the target before it, with nothing
      // after it. The comparison with the computed signature (64 lowercase hex) rejects any other character: only
      // the length is checked before the HMAC.
      if (r.signatureAmp === -1 || r.p.signature!.length !== 64) return fail('ERR_AUTH_SIG_INVALID');
      const expected = provider.hmacHex(secret, `${r.method}\n${r.target.slice(0, r.signatureAmp)}\n`);
      return typeof expected === 'string' ? withHmac(r, expected) : expected.then((h) => withHmac(r, h));
    }

    function withHmac(r: Pending, expected: string): VerifyResult | Promise<VerifyResult> {
      if (!timingSafeEqual(expected, r.p.signature!)) return fail('ERR_AUTH_SIG_INVALID');
      // 6. Limits on expires, then the nonce, claimed only now that the signature checked out.
      const nonce = r.p.nonce;
      if (nonce === undefined) {
        return maxExpires !== undefined && r.expires > maxExpires ? fail('ERR_AUTH_EXPIRES_INVALID') : success(r);
      }
      if (r.expires > maxExpiresWithNonce) return fail('ERR_AUTH_EXPIRES_INVALID');
      let claimed: unknown;
      try {
        claimed = store.claim({ keyId: r.keyId, authdate: r.date, nonce, expiresAt: r.deadline + skewMs });
      } catch {
        return fail('ERR_AUTH_NONCE_STORE');
      }
      return isThenable(claimed)
        ? Promise.resolve(claimed).then((c) => withClaim(r, c), () => fail('ERR_AUTH_NONCE_STORE'))
        : withClaim(r, claimed);
    }

    function withClaim(r: Pending, claimed: unknown): VerifyResult {
      return claimed === true ? success(r) : fail(claimed === false ? 'ERR_AUTH_NONCE_INVALID' : 'ERR_AUTH_NONCE_STORE');
    }

    // 7. What the application sees: the query without the auth parameters.
    function success(r: Pending): VerifySuccess {
      const query = r.p.rest;
      return {
        ok: true,
        keyId: r.keyId,
        authdate: new Date(r.authMs),
        expiresAt: new Date(r.deadline),
        nonce: r.p.nonce ?? null,
        target: query === null ? r.path : `${r.path}?${query}`,
        query,
      };
    }

    function verify(method: string, url: string): Promise<VerifyResult> {
      try {
        const result = start(method, url);
        return result instanceof Promise ? result : Promise.resolve(result);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return { verify };
  };
}
