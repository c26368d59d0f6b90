import { fromBase64 } from '@reqsign/canonical';
import { keyError } from '../errors.js';

export type PemLabel = 'PRIVATE KEY' | 'RSA PRIVATE KEY' | 'PUBLIC KEY' | 'RSA PUBLIC KEY';

export interface Pem {
  readonly label: PemLabel;
  readonly der: Uint8Array;
}

const LABELS: ReadonlySet<string> = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'PUBLIC KEY', 'RSA PUBLIC KEY']);
// One block, optional whitespace around it; lines of base64 (any length, LF or CRLF) between the markers.
const BLOCK = /^\s*-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*?)\r?\n?-----END \1-----\s*$/;

/** What to do with an encrypted key: both builds say the same. */
export const ENCRYPTED_HINT =
  'decrypt it first (openssl pkey -in k.pem -out k-plain.pem), or pass a KeyObject: crypto.createPrivateKey({ key, passphrase })';

// An encrypted key in either form: PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`) or OpenSSL's legacy PEM encryption, a
// `Proc-Type: 4,ENCRYPTED` header inside an `RSA PRIVATE KEY` block.
const ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:\s*4,\s*ENCRYPTED/m;

/** What each label other than an RSA key's is, and what to do instead. */
function otherLabel(label: string, name: string): string {
  if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE') {
    return `${name} is a certificate: pass its public key (openssl x509 -in cert.pem -pubkey -noout > key.pem)`;
  }
  if (label.startsWith('EC ') || label.includes('DSA') || label.startsWith('OPENSSH')) {
    return `${name} is a ${label} PEM, not an RSA key: nOps signs with RSA (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)`;
  }
  return `${name} is a "${label}" PEM block, not an RSA key (PRIVATE KEY, RSA PRIVATE KEY, PUBLIC KEY or RSA PUBLIC KEY)`;
}

/**
 * Reads one unencrypted RSA key PEM block (RFC 7468). Other labels (`ENCRYPTED PRIVATE KEY`, `EC PRIVATE KEY`,
 * `CERTIFICATE`, ...), several blocks, PEM headers (`Proc-Type:`) and bad base64 are `ERR_NOPS_KEY`, each with a
 * message that says what to do (`name` is the argument's: `privateKey`, `publicKey`).
 */
export function parsePem(text: string, name = 'The key'): Pem {
  if (ENCRYPTED.test(text)) throw keyError(`${name} is an encrypted PEM: ${ENCRYPTED_HINT}`);
  const m = BLOCK.exec(text);
  if (m === null) {
    throw keyError(
      `${name} is not a single PEM block: pass the key file's text as it is (its first marker line to its last, nothing around them), its bytes, a JWK or a KeyObject`,
    );
  }
  const label = m[1]!;
  if (!LABELS.has(label)) throw keyError(otherLabel(label, name));
  let der: Uint8Array;
  try {
    der = fromBase64(m[2]!.replace(/\r?\n/g, ''));
  } catch (cause) {
    throw keyError(`${name} has malformed base64 in its PEM block (a damaged copy?): copy the key file again`, cause);
  }
  if (der.length === 0) throw keyError(`${name} is an empty PEM block: copy the key file again`);
  return { label: label as PemLabel, der };
}

/** PEM text for DER bytes: base64 in lines of 64, ending with a newline (what openssl and node write). */
export function toPem(label: PemLabel, base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
