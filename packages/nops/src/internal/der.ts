/**
 * The few DER structures that RSA key import needs (X.690): WebCrypto reads only PKCS#8 and SPKI, so a PKCS#1
 * key (`BEGIN RSA PRIVATE KEY` / `BEGIN RSA PUBLIC KEY`) is wrapped into one, and the algorithm of a PKCS#8 or SPKI
 * key is read to refuse anything but rsaEncryption before a crypto library sees it.
 */

/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
const RSA_ALGORITHM = Uint8Array.of(0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00);
const RSA_OID = RSA_ALGORITHM.subarray(2, 13);

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** One DER TLV: tag, length, contents (the contents are concatenated parts). */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((s, p) => s + p.length, 0);
  const head = [tag, ...length(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let o = head.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** PKCS#8 PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { RSAPrivateKey } } around a PKCS#1 key. */
export function pkcs1PrivateToPkcs8(pkcs1: Uint8Array): Uint8Array {
  return tlv(0x30, Uint8Array.of(0x02, 0x01, 0x00), RSA_ALGORITHM, tlv(0x04, pkcs1));
}

/** SubjectPublicKeyInfo { rsaEncryption, BIT STRING { RSAPublicKey } } around a PKCS#1 public key. */
export function pkcs1PublicToSpki(pkcs1: Uint8Array): Uint8Array {
  return tlv(0x30, RSA_ALGORITHM, tlv(0x03, Uint8Array.of(0x00), pkcs1));
}

interface Tlv {
  readonly tag: number;
  /** Offset of the contents. */
  readonly start: number;
  /** Offset just past the contents. */
  readonly end: number;
}

/** Reads one TLV at `at`, or `null` when the bytes are not DER of that shape. */
function read(der: Uint8Array, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = der[at]!;
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) return null;
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + der[start + i]!;
    start += count;
  }
  const end = start + len;
  return end > limit ? null : { tag, start, end };
}

function isRsaOid(der: Uint8Array, algorithm: Tlv | null): boolean {
  if (algorithm === null || algorithm.tag !== 0x30) return false;
  const oid = read(der, algorithm.start, algorithm.end);
  if (oid === null || oid.tag !== 0x06 || oid.end - oid.start !== RSA_OID.length - 2) return false;
  for (let i = 0; i < RSA_OID.length - 2; i++) if (der[oid.start + i] !== RSA_OID[i + 2]) return false;
  return true;
}

/** Whether a PKCS#8 PrivateKeyInfo names rsaEncryption (not EC, Ed25519, RSA-PSS, ...). */
export function isRsaPkcs8(der: Uint8Array): boolean {
  const outer = read(der, 0, der.length);
  if (outer === null || outer.tag !== 0x30 || outer.end !== der.length) return false;
  const version = read(der, outer.start, outer.end);
  if (version === null || version.tag !== 0x02) return false;
  return isRsaOid(der, read(der, version.end, outer.end));
}

/** Whether an SPKI SubjectPublicKeyInfo names rsaEncryption. */
export function isRsaSpki(der: Uint8Array): boolean {
  const outer = read(der, 0, der.length);
  if (outer === null || outer.tag !== 0x30 || outer.end !== der.length) return false;
  return isRsaOid(der, read(der, outer.start, outer.end));
}
