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
  return { label, der };
}

/** PEM text for DER bytes: base64 in lines of 64, ending with a newline (what openssl and node write). */
export function toPem(label: PemLabel, base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
