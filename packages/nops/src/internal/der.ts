/**
 * The few DER structures that RSA key import needs (X.690): WebCrypto reads only PKCS#8 and SPKI, so a PKCS#1
 * key (`BEGIN RSA PRIVATE KEY` / `BEGIN RSA PUBLIC KEY`) is wrapped into one. The algorithm of a PKCS#8 or SPKI
 * key is not read here: WebCrypto's import for RSASSA-PKCS1-v1_5 must refuse any but rsaEncryption (a DataError),
 * and the node:crypto provider checks the imported key's type, so an EC, Ed25519 or RSA-PSS key is refused either
 * way, by the import.
 */

/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
export const RSA_ALGORITHM: Uint8Array = Uint8Array.of(
  0x30,
  0x0d,
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x01,
  0x01,
  0x05,
  0x00,
);

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** One DER TLV: tag, length, contents (the contents are concatenated parts). */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
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
