import type { KeyKind, KeySource } from './keyInput.js';

/**
 * The only part that differs between the WebCrypto build and the node:crypto build. Methods may answer
 * synchronously (node) or with a promise (WebCrypto); callers await once.
 */
export interface Provider {
  /** An imported key for an input, cached; throws `ERR_NOPS_KEY` (also when smaller than 1024 bits). */
  key(input: unknown, kind: KeyKind): unknown;
  /** Base64 of the RSASSA-PKCS1-v1_5 / SHA-256 signature over the message's UTF-8 bytes. */
  sign(key: unknown, message: string): string | Promise<string>;
  verify(key: unknown, message: string, signature: Uint8Array): boolean | Promise<boolean>;
  /** Strict, padded standard base64 of a non-empty signature, else `ERR_NOPS_SIGNATURE_ENCODING`. */
  decodeSignature(text: string): Uint8Array;
  /** A new key pair: PKCS#8 and SPKI PEM. */
  generate(bits: number): Promise<{ privateKey: string; publicKey: string }>;
}

export type { KeyKind, KeySource };
