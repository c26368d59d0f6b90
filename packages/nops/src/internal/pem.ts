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

/**
 * Reads one unencrypted RSA key PEM block (RFC 7468). Other labels (`ENCRYPTED PRIVATE KEY`, `EC PRIVATE KEY`,
 * `CERTIFICATE`, ...), several blocks, PEM headers (`Proc-Type:`) and bad base64 are `ERR_NOPS_KEY`.
 */
export function parsePem(text: string): Pem {
  if (/ENCRYPTED/.test(text)) {
    throw keyError(
      'The PEM key is encrypted: decrypt it first (openssl pkey -in key.pem -out plain.pem) or pass crypto.createPrivateKey({ key, passphrase })',
    );
  }
  const m = BLOCK.exec(text);
  if (m === null) throw keyError('The key is not a single PEM block (pass the whole text of one key file)');
  const label = m[1]!;
  if (!LABELS.has(label))
    throw keyError('The PEM block is not an unencrypted RSA key (PRIVATE KEY, RSA PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY)');
  let der: Uint8Array;
  try {
    der = fromBase64(m[2]!.replace(/\r?\n/g, ''));
  } catch (cause) {
    throw keyError('The PEM block has malformed base64', cause);
  }
  if (der.length === 0) throw keyError('The PEM block is empty');
  return { label: label as PemLabel, der };
}

/** PEM text for DER bytes: base64 in lines of 64, ending with a newline (what openssl and node write). */
export function toPem(label: PemLabel, base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
