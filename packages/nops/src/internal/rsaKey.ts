import { keyError } from '../errors.js';
import { RSA_ALGORITHM, pkcs1PrivateToPkcs8, pkcs1PublicToSpki, tlv } from './der.js';
import type { PemLabel } from './pem.js';

/**
 * The numbers of an RSA key, as unsigned big-endian magnitudes without leading zero octets: n and e, and for a
 * private key d, p, q, dp, dq, qi (in that order).
 */
export type RsaNumbers = readonly Uint8Array[];

/** The DER a provider imports (PKCS#8 v1 or SPKI, the one DER encoding of the key) and the key's numbers. */
export interface RsaDer {
  readonly der: Uint8Array;
  readonly numbers: RsaNumbers;
}

const fail = (): never => {
  throw keyError('The PEM block holds no key of its label');
};

/**
 * The contents [start, end) of the DER element at `at` (X.690 DER): the tag must be `tag`, the length definite and
 * minimal (short form below 128, else 1 to 3 octets without a leading zero), the contents within `end`.
 */
function element(d: Uint8Array, at: number, end: number, tag: number): [number, number] {
  if (at + 2 > end || d[at] !== tag) fail();
  let length = d[at + 1]!;
  let i = at + 2;
  if (length > 127) {
    const stop = i + length - 128;
    if (stop === i || stop > i + 3 || stop > end || d[i] === 0) fail();
    for (length = 0; i < stop; ) length = length * 256 + d[i++]!;
    if (length < 128) fail();
  }
  if (i + length > end) fail();
  return [i, i + length];
}

/**
 * A DER INTEGER that must be positive or zero, minimally encoded (no leading 00 unless the next octet has its high
 * bit set), as its magnitude; `[next offset, magnitude]`.
 */
function integer(d: Uint8Array, at: number, end: number): [number, Uint8Array] {
  const [s, e] = element(d, at, end, 2);
  if (s === e || d[s]! > 127 || (d[s] === 0 && e - s > 1 && d[s + 1]! < 128)) fail();
  return [e, d.subarray(d[s] === 0 && e - s > 1 ? s + 1 : s, e)];
}

/** `count` INTEGERs filling [at, end) exactly. */
function integers(d: Uint8Array, at: number, end: number, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (out.length < count) {
    const [next, value] = integer(d, at, end);
    out.push(value);
    at = next;
  }
  if (at !== end) fail();
  return out;
}

/** RSAPublicKey ::= SEQUENCE { n, e }, exactly [at, end). */
function rsaPublicKey(d: Uint8Array, at: number, end: number): RsaNumbers {
  const [s, e] = element(d, at, end, 48);
  if (e !== end) fail();
  return integers(d, s, e, 2);
}

/** RSAPrivateKey ::= SEQUENCE { version 0 (two primes), n, e, d, p, q, dp, dq, qi }, exactly [at, end). */
function rsaPrivateKey(d: Uint8Array, at: number, end: number): RsaNumbers {
  const [s, e] = element(d, at, end, 48);
  if (e !== end) fail();
  const [version, ...numbers] = integers(d, s, e, 9);
  if (version!.length !== 1 || version![0] !== 0) fail();
  return numbers;
}

/** The AlgorithmIdentifier at `at`, which must be { rsaEncryption, NULL } byte for byte; the offset after it. */
function rsaAlgorithm(d: Uint8Array, at: number): number {
  for (let i = 0; i < RSA_ALGORITHM.length; i++) {
    if (d[at + i] !== RSA_ALGORITHM[i]) throw keyError('The key is not an rsaEncryption RSA key');
  }
  return at + RSA_ALGORITHM.length;
}

/**
 * Reads a PEM block's DER strictly by its label (docs/spec/nops.md, "Keys", [PemDer]): one DER element of the
 * label's structure and nothing after it, rsaEncryption with NULL parameters, a PKCS#8 key of version 0, or of
 * version 1 (RFC 5958) whose optional `[1] publicKey` is the key's own public part. Every runtime then imports the
 * same canonical bytes (a PKCS#1 key wrapped, a version-1 PKCS#8 key rewritten as version 0).
 */
export function readKeyDer(label: PemLabel, d: Uint8Array): RsaDer {
  const end = d.length;
  if (label === 'RSA PUBLIC KEY') {
    const numbers = rsaPublicKey(d, 0, end);
    return { der: pkcs1PublicToSpki(d), numbers };
  }
  if (label === 'RSA PRIVATE KEY') {
    const numbers = rsaPrivateKey(d, 0, end);
    return { der: pkcs1PrivateToPkcs8(d), numbers };
  }
  const [s, e] = element(d, 0, end, 48);
  if (e !== end) fail();
  if (label === 'PUBLIC KEY') {
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, BIT STRING (no unused bits) { RSAPublicKey } }
    const [bs, be] = element(d, rsaAlgorithm(d, s), e, 3);
    if (be !== e || d[bs] !== 0) fail();
    return { der: d, numbers: rsaPublicKey(d, bs + 1, be) };
  }
  // OneAsymmetricKey ::= SEQUENCE { version 0 | 1, algorithm, OCTET STRING { RSAPrivateKey }, [1] publicKey (v1) }
  const [at, version] = integer(d, s, e);
  if (version.length !== 1 || version[0]! > 1) fail();
  const [os, oe] = element(d, rsaAlgorithm(d, at), e, 4);
  const numbers = rsaPrivateKey(d, os, oe);
  if (oe !== e) {
    // [1] IMPLICIT BIT STRING (no unused bits) holding the RSAPublicKey of the same n and e.
    const [ps, pe] = element(d, oe, e, 0x81);
    const own = rsaPublicKey(d, ps + 1, pe);
    if (version[0] !== 1 || pe !== e || d[ps] !== 0 || !same(own[0]!, numbers[0]!) || !same(own[1]!, numbers[1]!)) fail();
  }
  return { der: version[0] ? pkcs1PrivateToPkcs8(d.subarray(os, oe)) : d, numbers };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether a public exponent (big-endian octets) is odd and 3 <= e < 2^32. */
export function exponentOk(e: ArrayLike<number>): boolean {
  let v = 0;
  for (let i = 0; i < e.length; i++) v = v * 256 + e[i]!;
  return v >= 3 && v < 2 ** 32 && v % 2 === 1;
}

const big = (bytes: Uint8Array): bigint => bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);

/**
 * The rule every key meets, whatever its form (docs/spec/nops.md, "Keys", [RsaNumbers]): n odd, of 1024 to 16384
 * bits; e odd, 3 <= e < 2^32 (so e < n); for a private key, its parts belong together: n = p q, dp = d mod (p-1),
 * dq = d mod (q-1), e dp = 1 mod (p-1), e dq = 1 mod (q-1), q qi = 1 mod p. A key that breaks it is `ERR_NOPS_KEY`:
 * e = 1 would make any message its own signature, and an inconsistent private key signs wrongly, differently on
 * each runtime (OpenSSL falls back from CRT, BoringSSL fails).
 */
export function checkNumbers(numbers: RsaNumbers, name: string): void {
  const [n, e] = numbers as [Uint8Array, Uint8Array];
  const bits = n.length * 8 - Math.clz32(n[0] ?? 0) + 24;
  if (!(bits >= 1024 && bits <= 16384)) throw keyError(`${name} must have 1024 to 16384 bits`);
  if (!(n[n.length - 1]! & 1) || !exponentOk(e)) {
    throw keyError(`${name} is no valid RSA key: n must be odd, e odd with 3 <= e < 2^32`);
  }
  if (numbers.length > 2) {
    const [N, E, d, p, q, dp, dq, qi] = numbers.map(big) as bigint[] as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    if (
      p < 2n ||
      q < 2n ||
      N !== p * q ||
      dp !== d % (p - 1n) ||
      dq !== d % (q - 1n) ||
      (E * dp) % (p - 1n) !== 1n ||
      (E * dq) % (q - 1n) !== 1n ||
      (q * qi) % p !== 1n
    ) {
      throw keyError(`${name} could not sign (an inconsistent RSA key)`);
    }
  }
}

/** The SPKI of a key's public part, from its numbers (what a provider checks a new private key's signature with). */
export function publicSpki(numbers: RsaNumbers): Uint8Array {
  const int = (m: Uint8Array): Uint8Array => tlv(2, m[0]! > 127 ? Uint8Array.of(0, ...m) : m);
  return pkcs1PublicToSpki(tlv(48, int(numbers[0]!), int(numbers[1]!)));
}
