import {
  assertBoolean,
  assertKnownOptions,
  assertFunction,
  assertObject,
  assertString,
  isHttpToken,
  parseDateTime,
  receivedTargetOf,
  readClock,
} from '@reqsign/canonical';
import { AUTH_MESSAGES, NogError, type NogAuthErrorCode } from '../errors.js';
import { MemoryNonceStore } from '../memoryNonceStore.js';
import { NonceStoreError, type NonceStore } from '../nonceStore.js';
import type { VerifierOptions, VerifyFailure, VerifyResult, VerifySuccess } from '../verify.js';
import { deadlineOf } from './deadline.js';
import { DEFAULT_MAX_URL_LENGTH } from './limits.js';
import {
  ALGORITHM,
  DATE,
  EXPIRES,
  FIRST_AUTH,
  INTERLEAVED,
  KEY_ID,
  NONCE,
  restOf,
  scanAuthParams,
  SIGNATURE,
  SIGNATURE_AMP,
  SPANS,
} from './params.js';
import type { CryptoProvider } from './provider.js';

/**
 * The checks of a nog-v1 verification, one function per step, in the original server's order (docs/spec/nog-v1.md,
 * "Verification"). Each returns the step's value or a failure. The steps run synchronously unless the key lookup,
 * the HMAC or the nonce store answers with a promise: no async function, so most requests need no microtask.
 */

/** The verifier's defaults. */
export const VERIFIER_DEFAULTS: {
  readonly defaultExpires: 300;
  readonly maxExpiresWithNonce: 3600;
  readonly maxClockSkew: 900;
  readonly maxUrlLength: 16384;
  readonly keyLookupTimeoutMs: 5000;
} = { defaultExpires: 300, maxExpiresWithNonce: 3600, maxClockSkew: 900, maxUrlLength: DEFAULT_MAX_URL_LENGTH, keyLookupTimeoutMs: 5000 };

/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** A verifier's options, checked once. */
export interface VerifierConfig {
  readonly lookup: (keyId: string) => unknown;
  readonly now: () => number;
  readonly defaultExpires: number;
  readonly maxExpiresWithNonce: number;
  readonly maxExpires: number | undefined;
  readonly skewMs: number;
  readonly requireNonce: boolean;
  readonly store: NonceStore;
  readonly urlOptions: { readonly maxLength: number };
  readonly keyLookupTimeoutMs: number;
  /** The last method found to be an HTTP token: a server sees few methods. */
  lastMethod: string | undefined;
  /** The authdate changes once a second: the last one parsed, and its time. */
  lastDate: string | undefined;
  lastDateMs: number;
  /** Likewise the deadline: the last authdate's time and `authexpires` (raw) it was worked out for. */
  lastExpires: string | undefined;
  lastExpiresFrom: number;
  lastDeadline: number;
}

/**
 * A request on its way through the checks, once steps 0-3 have passed: the one object a request makes before its
 * result. Its parts are indices into the target; only the values a later step needs as strings are sliced.
 */
interface Pending {
  readonly method: string;
  readonly target: string;
  /** Where the query's `?` is. */
  readonly q: number;
  readonly keyId: string;
  readonly date: string;
  readonly nonce: string | undefined;
  readonly authMs: number;
  readonly nowMs: number;
  /** `authexpires` in seconds (or the default). */
  readonly expires: number;
  readonly deadline: number;
  /** Where `&authsignature=` starts, or -1 when the signature does not end the URL as received. */
  readonly signatureAmp: number;
  /** The length of the signature's value. */
  readonly signatureLength: number;
  /** Where the first auth parameter starts, and whether a parameter of the application's follows one. */
  readonly firstAuth: number;
  readonly interleaved: boolean;
}

const failures = new Map<string, VerifyFailure>();

/**
 * A 503 of the verifier's own side (`ERR_AUTH_KEY_LOOKUP`, `ERR_AUTH_NONCE_STORE`), frozen, with what went wrong as
 * `cause`: the value the key lookup or the store threw, or a typed error for a timeout or an answer of the wrong kind.
 * For operators (the integrations hand it to `onFailure`); never part of the response body.
 */
function unavailable(code: 'ERR_AUTH_KEY_LOOKUP' | 'ERR_AUTH_NONCE_STORE', cause: unknown): VerifyFailure {
  return Object.freeze({ ok: false, code, message: AUTH_MESSAGES[code], status: 503, cause } as const);
}

/** The failure of a code (frozen, one object per code and message): 503 when the verifier's own side failed. */
export function fail(code: NogAuthErrorCode, message: string = AUTH_MESSAGES[code]): VerifyFailure {
  const k = code + message;
  let f = failures.get(k);
  if (f === undefined) {
    const status = code === 'ERR_AUTH_NONCE_STORE' || code === 'ERR_AUTH_KEY_LOOKUP' ? 503 : 401;
    f = Object.freeze({ ok: false, code, message, status } as const) as VerifyFailure;
    failures.set(k, f);
  }
  return f;
}
const missing = (field: string): VerifyFailure => fail('ERR_AUTH_FIELD_MISSING', `Invalid signature (missing ${field}).`);
const isFailure = (v: unknown): v is VerifyFailure => typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** The names of `createVerifier`'s options: any other is refused (a misspelt one would be ignored). */
export const VERIFIER_OPTION_NAMES: readonly string[] = Object.freeze([
  'keys',
  'keyLookupTimeoutMs',
  'now',
  'defaultExpires',
  'maxExpiresWithNonce',
  'maxExpires',
  'maxClockSkew',
  'requireNonce',
  'nonceStore',
  'maxUrlLength',
]);

/**
 * The range of each number option, with its unit. The seconds options end where only a number of milliseconds
 * would be meant (README, "Units and ranges"): a millisecond value in a seconds option widens a window a thousand
 * times and passes silently, so it is refused; a seconds value in a milliseconds option (a 5 ms timeout) fails
 * loudly at the first request, and keeps the range a timer takes.
 */
export const VERIFIER_RANGES: Readonly<
  Record<keyof typeof VERIFIER_DEFAULTS | 'maxExpires', { readonly min: number; readonly max: number; readonly unit: string }>
> = {
  defaultExpires: { min: 0, max: 86_400, unit: 'seconds' },
  maxExpiresWithNonce: { min: 0, max: 604_800, unit: 'seconds' },
  maxExpires: { min: 0, max: 31_622_400, unit: 'seconds' },
  maxClockSkew: { min: 0, max: 3_600, unit: 'seconds' },
  maxUrlLength: { min: 1, max: Number.MAX_SAFE_INTEGER, unit: 'UTF-16 code units' },
  keyLookupTimeoutMs: { min: 1, max: MAX_TIMER_MS, unit: 'milliseconds' },
};

function seconds(options: VerifierOptions, name: keyof typeof VERIFIER_DEFAULTS | 'maxExpires'): number | undefined {
  const v = options[name];
  if (v === undefined) return name === 'maxExpires' ? undefined : VERIFIER_DEFAULTS[name];
  if (typeof v !== 'number') throw new NogError('ERR_INVALID_ARGUMENT', `${name} must be a number`);
  const { min, max, unit } = VERIFIER_RANGES[name];
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new NogError('ERR_OPTION_RANGE', `${name} must be a whole number of ${unit} from ${min} to ${max}`);
  }
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

/** Checks a verifier's options once, when it is built. */
export function resolveVerifierOptions(
  options: VerifierOptions,
  known: readonly string[] = VERIFIER_OPTION_NAMES,
  where = 'createVerifier',
): VerifierConfig {
  assertObject(options, 'options', NogError);
  assertKnownOptions(options, known, where, NogError);
  const lookup = toLookup(options.keys);
  const now: unknown = options.now ?? Date.now;
  assertFunction(now, 'now', NogError);
  const requireNonce = options.requireNonce ?? false;
  assertBoolean(requireNonce, 'requireNonce', NogError);
  const store = options.nonceStore ?? new MemoryNonceStore();
  if (typeof store !== 'object' || store === null || typeof store.claim !== 'function') {
    throw new NogError('ERR_INVALID_ARGUMENT', 'nonceStore must have a claim function');
  }
  return {
    lookup,
    now: now as () => number,
    defaultExpires: seconds(options, 'defaultExpires')!,
    maxExpiresWithNonce: seconds(options, 'maxExpiresWithNonce')!,
    maxExpires: seconds(options, 'maxExpires'),
    skewMs: seconds(options, 'maxClockSkew')! * 1000,
    requireNonce,
    store,
    urlOptions: { maxLength: seconds(options, 'maxUrlLength')! },
    keyLookupTimeoutMs: seconds(options, 'keyLookupTimeoutMs')!,
    lastMethod: undefined,
    lastDate: undefined,
    lastDateMs: 0,
    lastExpires: undefined,
    lastExpiresFrom: Number.NaN,
    lastDeadline: 0,
  };
}

/** Verifies one request: the steps below, in order. */
export function verifyRequest(
  c: VerifierConfig,
  provider: CryptoProvider,
  method: string,
  url: string,
): VerifyResult | Promise<VerifyResult> {
  assertString(method, 'method', NogError);
  assertString(url, 'url', NogError);
  const pending = checkRequest(c, method, url, clockOf(c));
  if (isFailure(pending)) return pending;
  let secret: unknown;
  try {
    secret = c.lookup(pending.keyId);
  } catch (cause) {
    return unavailable('ERR_AUTH_KEY_LOOKUP', cause);
  }
  return isThenable(secret)
    ? withTimeout(secret, c.keyLookupTimeoutMs).then(
        (s) => checkSignature(c, provider, pending, s),
        (cause: unknown) => unavailable('ERR_AUTH_KEY_LOOKUP', cause),
      )
    : checkSignature(c, provider, pending, secret);
}

/** The verifier's time: canonical's `readClock`, which refuses anything but a finite number (`ERR_CLOCK_INVALID`). */
const clockOf = (c: VerifierConfig): number => readClock(c.now, NogError);

/**
 * A key lookup's answer within `ms`; it rejects with the lookup's own reason, or when it takes longer with a
 * `NogError` `ERR_KEY_LOOKUP_TIMEOUT` that names the milliseconds.
 */
function withTimeout(lookup: PromiseLike<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NogError('ERR_KEY_LOOKUP_TIMEOUT', `Key lookup timed out after ${ms} ms`)), ms);
  });
  return Promise.race([lookup, late]).finally(() => clearTimeout(timer));
}

/** Whether `s` from `at` to `end` is `nog-v1`, compared in place (startsWith costs several times more in V8). */
const isNogV1 = (s: string, at: number, end: number): boolean =>
  end - at === 6 &&
  s.charCodeAt(at) === 0x6e /* n */ &&
  s.charCodeAt(at + 1) === 0x6f /* o */ &&
  s.charCodeAt(at + 2) === 0x67 /* g */ &&
  s.charCodeAt(at + 3) === 0x2d /* - */ &&
  s.charCodeAt(at + 4) === 0x76 /* v */ &&
  s.charCodeAt(at + 5) === 0x31; /* 1 */

/** Steps 0-3: everything that needs no key. */
function checkRequest(c: VerifierConfig, method: string, url: string, nowMs: number): Pending | VerifyFailure {
  // 0. Parse: the method an HTTP token, as on a request line (a method with a space or a line break would change
  // what the string to sign means); a request target (a received `//a/b` is a path), its auth parameters each at
  // most once.
  if (method !== c.lastMethod) {
    if (!isHttpToken(method)) return fail('ERR_AUTH_MALFORMED');
    c.lastMethod = method;
  }
  const target = receivedTargetOf(url, c.urlOptions.maxLength);
  if (target === null) return fail('ERR_AUTH_MALFORMED');
  // A fragment is what follows the URL's first `#`, in either form.
  const fragment = url.includes('#');
  const q = target.indexOf('?');
  if (q === -1) return missing('authkeyid');
  if (!scanAuthParams(target, q)) return fail('ERR_AUTH_MALFORMED');
  // What the scan found, read before anything else runs (SPANS is the module's).
  const spans = SPANS;
  const keyIdAt = spans[2 * KEY_ID]!;
  const dateAt = spans[2 * DATE]!;
  const expiresAt = spans[2 * EXPIRES]!;
  const nonceAt = spans[2 * NONCE]!;
  const signatureAt = spans[2 * SIGNATURE]!;
  const algorithmAt = spans[2 * ALGORITHM]!;
  // 1. The three fields the original requires, in its order; the algorithm, when given; a required nonce.
  if (keyIdAt === -1) return missing('authkeyid');
  if (signatureAt === -1) return missing('authsignature');
  if (dateAt === -1) return missing('authdate');
  if (algorithmAt !== -1 && !isNogV1(target, algorithmAt, spans[2 * ALGORITHM + 1]!)) return fail('ERR_AUTH_ALGORITHM_UNSUPPORTED');
  if (c.requireNonce && nonceAt === -1) return missing('authnonce');
  const date = target.slice(dateAt, spans[2 * DATE + 1]!);
  const expires = expiresAt === -1 ? undefined : target.slice(expiresAt, spans[2 * EXPIRES + 1]!);
  const keyId = target.slice(keyIdAt, spans[2 * KEY_ID + 1]!);
  const nonce = nonceAt === -1 ? undefined : target.slice(nonceAt, spans[2 * NONCE + 1]!);
  const signatureLength = spans[2 * SIGNATURE + 1]! - signatureAt;
  // The signature must end the URL as received, as the original's anchored match required: anything after it,
  // even a `#fragment` (Node's http server passes one through in req.url), would be an unsigned tail.
  const signatureAmp = fragment ? -1 : spans[SIGNATURE_AMP]!;
  const firstAuth = spans[FIRST_AUTH]!;
  const interleaved = spans[INTERLEAVED] === 1;
  const authMs = checkAuthdate(c, date);
  if (isFailure(authMs)) return authMs;
  const deadline = checkExpiry(c, authMs, expires, nowMs);
  if (isFailure(deadline)) return deadline;
  return {
    method,
    target,
    q,
    keyId,
    date,
    nonce,
    authMs,
    nowMs,
    expires: (deadline - authMs) / 1000,
    deadline,
    signatureAmp,
    signatureLength,
    firstAuth,
    interleaved,
  };
}

/** 2. The authdate: the pattern and a date that exists (the original let 2015-13-45 through as NaN). */
function checkAuthdate(c: VerifierConfig, date: string): number | VerifyFailure {
  if (date === c.lastDate) return c.lastDateMs;
  let ms: number;
  try {
    ms = parseDateTime(date).getTime();
  } catch {
    return fail('ERR_AUTH_DATE_INVALID');
  }
  c.lastDate = date;
  c.lastDateMs = ms;
  return ms;
}

/** 3. Expiry (the deadline itself is still valid), then the clock skew for dates in the future. */
function checkExpiry(c: VerifierConfig, authMs: number, expires: string | undefined, nowMs: number): number | VerifyFailure {
  let deadline: number;
  // A pure function of the two (the default is the verifier's own): a client sends the same authexpires within a
  // second many times. Only a valid deadline is kept.
  if (authMs === c.lastExpiresFrom && expires === c.lastExpires) deadline = c.lastDeadline;
  else {
    deadline = deadlineOf(authMs, expires, c.defaultExpires);
    if (Number.isNaN(deadline)) return fail('ERR_AUTH_EXPIRES_INVALID');
    c.lastExpires = expires;
    c.lastExpiresFrom = authMs;
    c.lastDeadline = deadline;
  }
  if (nowMs > deadline) return fail('ERR_AUTH_SIG_EXPIRED');
  if (authMs > nowMs + c.skewMs) return fail('ERR_AUTH_DATE_FUTURE');
  return deadline;
}

/**
 * 4. The key, then 5. the signature: the last thing in the URL, after `&`, 64 lowercase hex, over the target before
 * it. The comparison with the computed signature (64 lowercase hex) rejects any other character: only the length is
 * checked before the HMAC.
 */
function checkSignature(c: VerifierConfig, provider: CryptoProvider, r: Pending, secret: unknown): VerifyResult | Promise<VerifyResult> {
  if (secret === undefined || secret === null || secret === '') return fail('ERR_AUTH_KEY_UNKNOWN');
  if (typeof secret !== 'string') throw new NogError('ERR_INVALID_ARGUMENT', 'keys must give a secret string or undefined');
  if (r.signatureAmp === -1 || r.signatureLength !== 64) return fail('ERR_AUTH_SIG_INVALID');
  const expected = provider.hmacHex(secret, `${r.method}\n${r.target.slice(0, r.signatureAmp)}\n`);
  return typeof expected === 'string' ? afterSignature(c, r, expected) : expected.then((h) => afterSignature(c, r, h));
}

/** What `authsignature=` takes up after the `&` at `signatureAmp`: the signature starts after it. */
const SIGNATURE_AT = '&authsignature='.length;

/**
 * Whether the received signature is the computed one, in time that depends on neither: every character compared,
 * the differences ORed (the received one is 64 characters, checked before the HMAC, and ends the target). Read in
 * place from the target rather than from the sliced value: the target as a server hands it over is a flat string,
 * whose characters V8 reads more cheaply. The same as canonical's `timingSafeEqual` for two strings, but on one call
 * site that V8 sees only strings at, which makes it several times cheaper.
 */
function sameHex(expected: string, target: string, at: number): boolean {
  let diff = 0;
  // Four characters a step: as many reads, but fewer loop checks, and independent ones for the processor to overlap.
  for (let i = 0; i < 64; i += 4) {
    diff |=
      (expected.charCodeAt(i) ^ target.charCodeAt(at + i)) |
      (expected.charCodeAt(i + 1) ^ target.charCodeAt(at + i + 1)) |
      (expected.charCodeAt(i + 2) ^ target.charCodeAt(at + i + 2)) |
      (expected.charCodeAt(i + 3) ^ target.charCodeAt(at + i + 3));
  }
  return diff === 0;
}

function afterSignature(c: VerifierConfig, r: Pending, expected: string): VerifyResult | Promise<VerifyResult> {
  if (!sameHex(expected, r.target, r.signatureAmp + SIGNATURE_AT)) return fail('ERR_AUTH_SIG_INVALID');
  return claimNonce(c, r);
}

/** 6. The limits on expires, then the nonce, claimed only now that the signature checked out. */
function claimNonce(c: VerifierConfig, r: Pending): VerifyResult | Promise<VerifyResult> {
  const nonce = r.nonce;
  if (nonce === undefined) {
    return c.maxExpires !== undefined && r.expires > c.maxExpires ? fail('ERR_AUTH_EXPIRES_INVALID') : accepted(r);
  }
  if (r.expires > c.maxExpiresWithNonce) return fail('ERR_AUTH_EXPIRES_INVALID');
  let claimed: unknown;
  try {
    // Kept until the signature's deadline: after it the request is expired whatever the nonce (the clock skew
    // bounds how far ahead an authdate may be, not how long a signature lasts).
    claimed = c.store.claim({ keyId: r.keyId, authdate: r.date, nonce, expiresAt: r.deadline, now: r.nowMs });
  } catch (cause) {
    return unavailable('ERR_AUTH_NONCE_STORE', cause);
  }
  return isThenable(claimed)
    ? Promise.resolve(claimed).then(
        (v) => afterClaim(r, v),
        (cause: unknown) => unavailable('ERR_AUTH_NONCE_STORE', cause),
      )
    : afterClaim(r, claimed);
}

function afterClaim(r: Pending, claimed: unknown): VerifyResult {
  return claimed === true
    ? accepted(r)
    : claimed === false
      ? fail('ERR_AUTH_NONCE_INVALID')
      : unavailable(
          'ERR_AUTH_NONCE_STORE',
          new NonceStoreError('ERR_NONCE_STORE_REPLY', `Nonce store claim gave ${claimed === null ? null : typeof claimed}, not a boolean`),
        );
}

/** 7. What the application sees: the query without the auth parameters. */
function accepted(r: Pending): VerifySuccess {
  const query = restOf(r.target, r.q, r.firstAuth, r.interleaved);
  return {
    ok: true,
    keyId: r.keyId,
    authdate: new Date(r.authMs),
    expiresAt: new Date(r.deadline),
    nonce: r.nonce ?? null,
    // The path, with the query when there is one: when the auth parameters end the target, the target before them.
    target:
      query === null ? r.target.slice(0, r.q) : r.interleaved ? `${r.target.slice(0, r.q)}?${query}` : r.target.slice(0, r.firstAuth - 1),
    query,
  };
}
