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

/**
 * What signing needs of a provider. Each operation takes only its part, so that a bundle of `sign` alone (a browser
 * client) carries no verification or key generation code.
 */
export type Signer = Pick<Provider, 'key' | 'sign'>;
/** What verification needs of a provider. */
export type Verifier = Pick<Provider, 'key' | 'verify' | 'decodeSignature'>;
/** What key generation needs of a provider. */
export type Generator = Pick<Provider, 'generate'>;

export type { KeyKind, KeySource };
