import { fromBase64 } from '@reqsign/canonical';
import { keyError } from '../errors.js';

export type PemLabel = 'PRIVATE KEY' | 'RSA PRIVATE KEY' | 'PUBLIC KEY' | 'RSA PUBLIC KEY';

export interface Pem {
  readonly label: PemLabel;
  readonly der: Uint8Array;
}

// The rule of docs/spec/nops.md ("Keys"): an optional byte-order mark, then space, tab, CR or LF only around one
// block of an RSA key label; inside it, the BEGIN line, one or more non-empty lines of base64 characters, the END
// line with the same label, each line ending in LF or CRLF (the END line may end the text). No blank or indented
// lines, no headers.
const BLOCK =
  /^\uFEFF?[ \t\r\n]*-----BEGIN ((?:RSA )?(?:PRIVATE|PUBLIC) KEY)-----\r?\n((?:[A-Za-z0-9+/=]+\r?\n)+)-----END \1-----[ \t\r\n]*$/;

/**
 * Reads one unencrypted RSA key PEM block (RFC 7468). Other labels (`ENCRYPTED PRIVATE KEY`, `EC PRIVATE KEY`,
 * `CERTIFICATE`, ...), several blocks, PEM headers (`Proc-Type:`), other text or whitespace and bad base64 are
 * `ERR_NOPS_KEY`.
 */
export function parsePem(text: string): Pem {
  const m = BLOCK.exec(text);
  if (m === null) {
    // An encrypted key is named for what to do, whether its label says so or a Proc-Type header breaks the block.
    throw keyError(
      /ENCRYPTED/.test(text)
        ? 'The PEM key is encrypted: decrypt it (openssl pkey -in key.pem -out plain.pem) or pass crypto.createPrivateKey({ key, passphrase })'
        : 'The key is not one PEM block of an RSA key alone',
    );
  }
  const label = m[1] as PemLabel;
  let der: Uint8Array;
  try {
    der = fromBase64(m[2]!.replace(/\r?\n/g, ''));
  } catch (cause) {
    throw keyError('The PEM block holds no key of its label', cause);
  }
  // One DER SEQUENCE (a length in 1 to 4 bytes) and nothing after it, which OpenSSL's import would ignore.
  const n = der[1]!;
  const head = n < 128 ? 2 : 2 + (n & 127);
  let length = n < 128 ? n : 0;
  for (let i = 2; i < head; i++) length = length * 256 + der[i]!;
  // The label's own structure, which some key imports (BoringSSL's in workerd, Bun's) do not check: SPKI starts with
  // its algorithm (a SEQUENCE) where PKCS#1's public key starts with the modulus (an INTEGER); after the version
  // (02 01 00), PKCS#8 has its algorithm (a SEQUENCE) where PKCS#1's private key has the modulus (an INTEGER).
  if (
    der[0] !== 48 ||
    n === 128 ||
    head > 6 ||
    head + length !== der.length ||
    der[label.includes('PUB') ? head : head + 3] !== (label[0] === 'R' ? 2 : 48)
  )
    throw keyError('The PEM block holds no key of its label');
  return { label, der };
}

/** PEM text for DER bytes: base64 in lines of 64, ending with a newline (what openssl and node write). */
export function toPem(label: PemLabel, base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
