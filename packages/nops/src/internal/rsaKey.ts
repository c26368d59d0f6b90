import { keyError } from '../errors.js';
import { checkBits } from './keyInput.js';
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
 * The contents of every INTEGER in [s, e), in order, descending into SEQUENCEs (any constructed element), OCTET
 * STRINGs and BIT STRINGs (also `[1]`, PKCS#8's publicKey) after their unused-bits octet, at most 3 levels deep.
 * Lenient on purpose: {@link readKeyDer} compares the input with the one DER encoding of what this found.
 */
function integers(d: Uint8Array, s: number, e: number, out: Uint8Array[], depth: number): Uint8Array[] {
  while (s < e && depth < 4) {
    const tag = d[s]!;
    let length = d[s + 1]!;
    let i = s + 2;
    if (length > 128) {
      let count = length - 128;
      for (length = 0; count--; ) length = length * 256 + d[i++]!;
    }
    const end = i + length;
    if (!(end <= e)) fail();
    if (tag === 2) {
      // An INTEGER has one or more content octets (X.690 8.3.1): `02 00` is none.
      if (length === 0) fail();
      // The magnitude: without leading zero octets (one 0 stays for zero).
      while (d[i] === 0 && i < end - 1) i++;
      out.push(d.subarray(i, end));
    } else if (tag & 32 || tag === 4 || tag === 3 || tag === 0x81) integers(d, i + (tag & 1), end, out, depth + 1);
    s = end;
  }
  return out;
}

/** A DER INTEGER of a magnitude. */
const int = (m: Uint8Array): Uint8Array => tlv(2, m[0]! > 127 ? Uint8Array.of(0, ...m) : m);
/** RSAPublicKey ::= SEQUENCE { n, e } */
const rsaPublicKey = (n: Uint8Array, e: Uint8Array): Uint8Array => tlv(48, int(n), int(e));

/**
 * Reads a PEM block's DER strictly by its label (docs/spec/nops.md, "Keys", [PemDer]): the bytes must be exactly the
 * one DER encoding (X.690: minimal lengths, minimal INTEGERs, nothing after the structure) of the label's structure,
 * rsaEncryption with NULL parameters, a BIT STRING without unused bits, a two-prime RSAPrivateKey of version 0, a
 * PKCS#8 key of version 0, or of version 1 (RFC 5958) without attributes whose optional `[1] publicKey` is the key's
 * own public part. So the integers are read leniently, then the canonical encoding of what was read is built and
 * compared with the input, byte for byte. Every runtime then imports the same canonical bytes (a PKCS#1 key wrapped,
 * a version-1 PKCS#8 key rewritten as version 0).
 */
export function readKeyDer(label: PemLabel, d: Uint8Array): RsaDer {
  let canonical: Uint8Array;
  let der: Uint8Array;
  let numbers: Uint8Array[];
  try {
    const found = integers(d, 0, d.length, [], 0);
    const priv = label.includes('PRIV');
    const version = label === 'PRIVATE KEY' ? found.shift()! : Uint8Array.of(0);
    numbers = priv ? found.slice(1, 9) : found.slice(0, 2);
    const pkcs1 = priv ? tlv(48, int(found[0]!), ...numbers.map(int)) : rsaPublicKey(numbers[0]!, numbers[1]!);
    der = priv ? pkcs1PrivateToPkcs8(pkcs1) : pkcs1PublicToSpki(pkcs1);
    const withPublic = found.length > 9 ? [tlv(0x81, Uint8Array.of(0), rsaPublicKey(numbers[0]!, numbers[1]!))] : [];
    canonical = label[0] === 'R' ? pkcs1 : version[0] ? tlv(48, int(version), RSA_ALGORITHM, tlv(4, pkcs1), ...withPublic) : der;
    if (
      version.length > 1 ||
      version[0]! > 1 ||
      (priv && found[0]![0]) ||
      found.length !== (priv ? 9 : 2) + (version[0] ? withPublic.length * 2 : 0)
    )
      fail();
  } catch {
    fail();
  }
  if (canonical!.length !== d.length || canonical!.some((b, i) => b !== d[i])) fail();
  return { der: der!, numbers: numbers! };
}

/**
 * Whether a public exponent (big-endian octets) is 3, 17, 37 or 65537: odd and 3 <= e < n as RFC 8017 asks, and
 * exactly what every runtime imports (Cloudflare's workerd takes no other; 65537 is what key tools write).
 */
export function exponentOk(e: ArrayLike<number>): boolean {
  let v = 0;
  for (let i = 0; i < e.length; i++) v = v * 256 + e[i]!;
  return [3, 17, 37, 65537].includes(v);
}

const big = (bytes: Uint8Array): bigint => bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);

/**
 * The rule every key meets, whatever its form (docs/spec/nops.md, "Keys", [RsaNumbers]): n odd, of 1024 to 16384
 * bits; e one of 3, 17, 37, 65537; for a private key, its parts belong together: n = p q, dp = d mod (p-1),
 * dq = d mod (q-1), e dp = 1 mod (p-1), e dq = 1 mod (q-1), qi = q^-1 mod p (q qi = 1 mod p with 0 < qi < p, as
 * RFC 8017 3.2 defines it: `qi + p` would pass the congruence). A key that breaks it is `ERR_NOPS_KEY`:
 * e = 1 would make any message its own signature, and an inconsistent private key signs wrongly, differently on
 * each runtime (OpenSSL falls back from CRT, BoringSSL fails).
 */
export function checkNumbers(numbers: RsaNumbers, name: string): void {
  const [n, e] = numbers as [Uint8Array, Uint8Array];
  checkBits(n.length * 8 - Math.clz32(n[0] ?? 0) + 24, name);
  if (!(n[n.length - 1]! & 1) || !exponentOk(e)) {
    throw keyError(`${name} is no valid RSA key: n must be odd, e one of 3, 17, 37, 65537`);
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
      qi >= p ||
      (q * qi) % p !== 1n
    ) {
      throw keyError('privateKey could not sign (an inconsistent RSA key)');
    }
  }
}

/** The SPKI of a key's public part, from its numbers (what a provider checks a new private key's signature with). */
export function publicSpki(numbers: RsaNumbers): Uint8Array {
  return pkcs1PublicToSpki(rsaPublicKey(numbers[0]!, numbers[1]!));
}
