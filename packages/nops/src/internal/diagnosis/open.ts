import { fromBase64, subtleCrypto, toHex, utf8 } from '@reqsign/canonical';
import { NopsError } from '../../errors.js';
import type { CryptoKeyLike, KeyObjectLike, RsaJwk } from '../../types.js';
import { classifyKey, sizeOk } from '../keyInput.js';

/**
 * The RSA public operation on a signature, for a diagnosis: `s^e mod n` is, for a signature the key's private half
 * made, an EMSA-PKCS1-v1_5 block `00 01 FF..FF 00 DigestInfo`. A block of another shape proves the signature was not
 * made with this key (for any message); a well-formed one names the digest algorithm and holds the digest signed.
 */

export interface PublicNumbers {
  readonly n: bigint;
  readonly e: bigint;
  /** The modulus length in bytes: the length of every signature of this key. */
  readonly size: number;
  /** The modulus length in bits. */
  readonly bits: number;
}

export type Opened =
  /** Not a PKCS#1 v1.5 signature block under this key: another key made it, or its bytes were changed. */
  | { readonly kind: 'other-key' }
  /** This key's block, over a digest of `hash` (`SHA-256` for nOps). */
  | { readonly kind: 'this-key'; readonly hash: string; readonly digest: string };

// DigestInfo DER prefixes (RFC 8017 9.2, note 1), by WebCrypto hash name.
const DIGEST_INFO: ReadonlyArray<readonly [string, string]> = [
  ['SHA-256', '3031300d060960864801650304020105000420'],
  ['SHA-1', '3021300906052b0e03021a05000414'],
  ['SHA-384', '3041300d060960864801650304020205000430'],
  ['SHA-512', '3051300d060960864801650304020305000440'],
];

const big = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`));
const b64url = (text: unknown): Uint8Array | null => {
  if (typeof text !== 'string') return null;
  const std = text.replaceAll('-', '+').replaceAll('_', '/');
  try {
    return fromBase64(std + '='.repeat((4 - (std.length % 4)) % 4));
  } catch {
    return null;
  }
};

/** One DER TLV at `at` (contents from `start` to `end`), or null when the bytes are not one within `limit`. */
function tlv(der: Uint8Array, at: number, limit: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > limit) return null;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  return start + length > limit ? null : { tag: der[at]!, start, end: start + length };
}

/**
 * The numbers of a key this diagnosis can open a signature with, else null: a modulus of a size `verify` takes
 * ({@link sizeOk}), and an exponent of at most 64 bits (OpenSSL's limit above 3072 bits;
 * 65537 in practice). `s^e mod n` costs a multiplication per bit of `e`: a 16384-bit exponent would take seconds.
 */
function numbers(n: Uint8Array, e: Uint8Array): PublicNumbers | null {
  const value = big(n);
  const exponent = big(e);
  const bits = value.toString(2).length;
  if (!sizeOk(bits) || exponent.toString(2).length > 64) return null;
  return { n: value, e: exponent, size: Math.ceil(bits / 8), bits };
}

function fromJwk(jwk: { n?: unknown; e?: unknown }): PublicNumbers | null {
  const n = b64url(jwk.n);
  const e = b64url(jwk.e);
  return n === null || e === null ? null : numbers(n, e);
}

/** n and e of an SPKI SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING { 00, RSAPublicKey { n, e } } }. */
function fromSpki(der: Uint8Array): PublicNumbers | null {
  const outer = tlv(der, 0, der.length);
  const algorithm = outer === null ? null : tlv(der, outer.start, outer.end);
  const bits = outer === null || algorithm === null ? null : tlv(der, algorithm.end, outer.end);
  const rsa = bits === null || bits.tag !== 0x03 ? null : tlv(der, bits.start + 1, bits.end);
  const n = rsa === null ? null : tlv(der, rsa.start, rsa.end);
  const e = rsa === null || n === null ? null : tlv(der, n.end, rsa.end);
  if (n === null || e === null || n.tag !== 0x02 || e.tag !== 0x02) return null;
  return numbers(der.subarray(n.start, n.end), der.subarray(e.start, e.end));
}

/** The modulus and exponent of a public key input, or null when they cannot be read (a non-extractable CryptoKey). */
export async function publicNumbers(publicKey: unknown): Promise<PublicNumbers | null> {
  const source = classifyKey(publicKey, 'public');
  switch (source.kind) {
    case 'der':
      return fromSpki(source.der);
    case 'jwk':
      return fromJwk(source.jwk);
    case 'keyobject':
      return fromJwk((source.key as KeyObjectLike).export({ format: 'jwk' }) as RsaJwk);
    case 'cryptokey': {
      const key = source.key as CryptoKeyLike;
      if (!key.extractable) return null;
      return fromJwk((await subtleCrypto(NopsError).exportKey('jwk', key as CryptoKey)) as RsaJwk);
    }
  }
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** `s^e mod n` as `size` bytes in hex (the RSA public operation, in JavaScript), or null for a signature out of range. */
export function publicBlock(key: PublicNumbers, signature: Uint8Array): string | null {
  const s = big(signature);
  if (signature.length !== key.size || s >= key.n) return null;
  return modPow(s, key.e, key.n)
    .toString(16)
    .padStart(key.size * 2, '0');
}

/** Opens a signature with a public key: see {@link Opened}. */
export function openSignature(key: PublicNumbers, signature: Uint8Array): Opened {
  const block = publicBlock(key, signature);
  return block === null ? { kind: 'other-key' } : readBlock(block);
}

/** What a block (hex) holds: a PKCS#1 v1.5 DigestInfo, or not. */
export function readBlock(block: string): Opened {
  const m = /^0001(?:ff){8,}00([0-9a-f]+)$/.exec(block);
  if (m === null) return { kind: 'other-key' };
  for (const [hash, prefix] of DIGEST_INFO) {
    if (m[1]!.startsWith(prefix)) return { kind: 'this-key', hash, digest: m[1]!.slice(prefix.length) };
  }
  return { kind: 'this-key', hash: 'unknown', digest: m[1]! };
}

/** The lowercase hex digest of a message's UTF-8 bytes (WebCrypto: a diagnosis is never on a hot path). */
export async function digestOf(hash: string, message: string): Promise<string> {
  return toHex(new Uint8Array(await subtleCrypto(NopsError).digest(hash, utf8(message) as Uint8Array<ArrayBuffer>)));
}

const fromHexText = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
};

/**
 * An EMSA-PSS block (RFC 8017 9.1.2) with SHA-256 and MGF1-SHA-256, decoded up to the message: its `salt` and `h`,
 * so that a message M verifies when SHA-256(0x00 * 8 || SHA-256(M) || salt) is `h`. Null when the block is no such
 * encoding.
 */
export async function readPss(
  key: PublicNumbers,
  block: string,
  sha256: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>,
): Promise<{ readonly salt: Uint8Array; readonly h: string } | null> {
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  let em = fromHexText(block);
  if (em.length > emLen) {
    if (em[0] !== 0) return null;
    em = em.subarray(em.length - emLen);
  }
  const hLen = 32;
  if (emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return null;
  const dbLen = emLen - hLen - 1;
  const h = em.subarray(dbLen, dbLen + hLen);
  const db = new Uint8Array(dbLen);
  for (let counter = 0, at = 0; at < dbLen; counter++, at += hLen) {
    const input = new Uint8Array(hLen + 4);
    input.set(h, 0);
    new DataView(input.buffer).setUint32(hLen, counter);
    const mask = await sha256(input);
    for (let i = 0; i < hLen && at + i < dbLen; i++) db[at + i] = em[at + i]! ^ mask[i]!;
  }
  db[0]! &= 0xff >> (8 * emLen - emBits);
  let i = 0;
  while (i < dbLen && db[i] === 0) i++;
  if (i >= dbLen || db[i] !== 1) return null;
  return { salt: db.slice(i + 1), h: toHex(h) };
}
