import { NopsError, keyError } from '../errors.js';
import type { CryptoKeyLike, KeyObjectLike, RsaJwk } from '../types.js';
import { fromBase64 } from '@reqsign/canonical';
import { parsePem } from './pem.js';
import { checkNumbers, exponentOk, readKeyDer, type RsaNumbers } from './rsaKey.js';

/**
 * Whether an RSA modulus of `bits` is accepted: from 1024 bits, what the nOps documentation generates, to 16384,
 * also OpenSSL's limit for public-key operations. The upper bound is a cost bound: a 16384-bit sign plus verify
 * already costs 250-370 ms, so a larger key, whose size whoever supplies the key chooses, is refused before use.
 */
export const sizeOk = (bits: unknown): boolean => (bits as number) >= 1024 && (bits as number) <= 16384;

export type KeyKind = 'private' | 'public';

/**
 * A key input after the checks that do not need a crypto library, in the form a provider imports, with the key's
 * numbers (checked: {@link checkNumbers}) where they could be read.
 */
export type KeySource =
  | { readonly kind: 'der'; readonly format: 'pkcs8' | 'spki'; readonly der: Uint8Array; readonly numbers: RsaNumbers }
  | { readonly kind: 'jwk'; readonly jwk: RsaJwk; readonly numbers: RsaNumbers }
  | { readonly kind: 'cryptokey'; readonly key: CryptoKeyLike }
  | { readonly kind: 'keyobject'; readonly key: KeyObjectLike; readonly jwk: RsaJwk; readonly numbers: RsaNumbers };

const PRIVATE_JWK = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** Throws `ERR_NOPS_KEY` unless a modulus of `bits` (`undefined`: unknown) is accepted ({@link sizeOk}). */
export function checkBits(bits: number | undefined, name: string): void {
  if (!sizeOk(bits)) throw keyError(`${name} must have 1024 to 16384 bits`);
}

const tag = (value: object): string => Object.prototype.toString.call(value);

/**
 * Sorts a key input into a {@link KeySource}, refusing what cannot be an RSA key of the kind asked for: the wrong
 * PEM label (a private key given as the public key, or the reverse), a JWK that is not RSA, has the wrong parts or an `alg` other than RS256, a `CryptoKey` not for RSASSA-PKCS1-v1_5 with SHA-256.
 * Everything else is left to the provider's import (which also checks the size, with {@link checkBits}).
 */
export function classifyKey(input: unknown, kind: KeyKind): KeySource {
  const name = kind === 'private' ? 'privateKey' : 'publicKey';
  // What Node reads a key file as (readFileSync's Buffer, a Uint8Array) is its text; a JWK file's text is the JWK.
  // The decoder keeps a byte-order mark, so bytes and their text are read by the same rule (one mark allowed).
  if (input instanceof Uint8Array) input = new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
  // A JWK's text: a "{" after an optional byte-order mark and JSON's whitespace (space, tab, CR, LF).
  if (typeof input === 'string' && /^\uFEFF?[ \t\r\n]*\{/.test(input)) {
    try {
      input = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (cause) {
      throw keyError(`${name} starts with "{" but is no JSON: pass a JWK's JSON text or object`, cause);
    }
    if (typeof input !== 'object' || input === null) throw keyError(`${name} is JSON but no JWK object`);
  }
  if (typeof input === 'string') {
    const pem = parsePem(input);
    const isPrivate = pem.label === 'PRIVATE KEY' || pem.label === 'RSA PRIVATE KEY';
    if (isPrivate !== (kind === 'private')) throw keyError(`${name} is a ${isPrivate ? 'private' : 'public'} key PEM`);
    // Strict DER of the label's structure, rsaEncryption only (EC, Ed25519, RSA-PSS refused), in canonical form.
    const { der, numbers } = readKeyDer(pem.label, pem.der);
    checkNumbers(numbers, name);
    return { kind: 'der', format: isPrivate ? 'pkcs8' : 'spki', der, numbers };
  }
  if (typeof input !== 'object' || input === null) {
    throw new NopsError(
      'ERR_INVALID_ARGUMENT',
      `${name} must be a PEM (text or bytes), a JWK (object or JSON text), a KeyObject or a CryptoKey`,
    );
  }
  if (isCryptoKey(input)) {
    // Only e can be read from a non-extractable key (its import read n): the rule of checkNumbers, for a verifier.
    const { publicExponent } = checkCryptoKey(input, kind, name).algorithm as { publicExponent?: Uint8Array };
    if (kind === 'public' && !exponentOk(publicExponent ?? []))
      throw keyError(`${name} is no valid RSA key: n must be odd, e one of 3, 17, 37, 65537`);
    return { kind: 'cryptokey', key: input };
  }
  if (tag(input) === '[object KeyObject]' && typeof (input as KeyObjectLike).export === 'function') {
    const key = input as KeyObjectLike;
    if (key.type !== kind) throw keyError(`${name} is a ${key.type} KeyObject`);
    if (key.asymmetricKeyType !== 'rsa') throw keyError(`${name} is not an RSA key`);
    return { kind: 'keyobject', key, ...checkJwk(key.export({ format: 'jwk' }) as RsaJwk, kind, name) };
  }
  return { kind: 'jwk', ...checkJwk(input as RsaJwk, kind, name) };
}

/** Whether a value is a WebCrypto `CryptoKey` (by its tag, which works across realms and polyfill-free runtimes). */
export function isCryptoKey(input: unknown): input is CryptoKeyLike {
  return typeof input === 'object' && input !== null && tag(input) === '[object CryptoKey]';
}

/**
 * Checks a `CryptoKey`: for RSASSA-PKCS1-v1_5 with SHA-256, of the kind asked for, with the usage it needs (`sign`
 * or `verify`), and of 1024 to 16384 bits. Nothing else is needed to use it, so a CryptoKey-only path carries no key
 * import code.
 */
export function checkCryptoKey(key: CryptoKeyLike, kind: KeyKind, name: string): CryptoKeyLike {
  const alg = key.algorithm as { name?: string; hash?: { name?: string }; modulusLength?: number };
  if (alg.name !== 'RSASSA-PKCS1-v1_5' || alg.hash?.name !== 'SHA-256') {
    throw keyError(`${name} is a CryptoKey not for RSASSA-PKCS1-v1_5 with SHA-256`);
  }
  if (key.type !== kind) throw keyError(`${name} is a ${key.type} CryptoKey`);
  const usage = kind === 'private' ? 'sign' : 'verify';
  if (!key.usages.includes(usage)) throw keyError(`${name} is a CryptoKey without the usage "${usage}"`);
  checkBits(alg.modulusLength, name);
  return key;
}

/**
 * Checks an RSA JWK and returns only its key parameters (no `use`, `key_ops` or `ext` to trip an import) and its
 * numbers. Each member is a Base64urlUInt (RFC 7518 section 2): strict base64url without padding (RFC 4648 section 5),
 * not empty, no stray bits in the last character, and the fewest octets (no leading zero octet). Key imports are
 * lenient (node and WebCrypto also read `=`, `+` and `/`, and leading zeros), so it is checked here. A public JWK has
 * no `d` member, not even `null`.
 */
export function checkJwk(jwk: RsaJwk, kind: KeyKind, name: string): { jwk: RsaJwk; numbers: RsaNumbers } {
  if (jwk.kty !== 'RSA') throw keyError(`${name} is not an RSA JWK`);
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') throw keyError(`${name} is a JWK for another algorithm than RS256`);
  if (kind === 'public' && 'd' in jwk) throw keyError(`${name} is a private JWK`);
  const out: Record<string, string> = { kty: 'RSA' };
  const numbers: Uint8Array[] = [];
  for (const p of kind === 'public' ? (['n', 'e'] as const) : PRIVATE_JWK) {
    const v = jwk[p];
    if (typeof v !== 'string') throw keyError(`${name} is a JWK without ${kind === 'public' ? 'n and e' : 'n, e, d, p, q, dp, dq, qi'}`);
    // Strict unpadded base64url (RFC 4648 section 5): no stray bits in the last character, no length of 4k+1.
    const rest = v.length & 3;
    const bytes =
      /^[\w-]+$/.test(v) && rest !== 1 && (!rest || (rest & 1 ? 'AEIMQUYcgkosw048' : 'AQgw').includes(v.at(-1)!))
        ? fromBase64(v.replace(/-/g, '+').replace(/_/g, '/') + '=='.slice(0, (4 - rest) & 3))
        : Uint8Array.of();
    if (!bytes.length || (bytes[0] === 0 && bytes.length > 1)) {
      throw keyError(`${name} is a JWK with a parameter not in unpadded base64url of the fewest octets`);
    }
    out[p] = v;
    numbers.push(bytes);
  }
  checkNumbers(numbers, name);
  return { jwk: out as unknown as RsaJwk, numbers };
}
