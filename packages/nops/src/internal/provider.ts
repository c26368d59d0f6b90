import type { KeyKind, KeySource } from './keyInput.js';

/**
 * The only part of the package that differs between runtimes: RSA with node:crypto (synchronous, OpenSSL) or with
 * WebCrypto (a promise). Methods may answer either way; callers await once. (@reqsign/nog has the same contract,
 * under the same name, for HMAC.)
 */
export interface CryptoProvider {
  /** An imported key for an input, cached; throws `ERR_NOPS_KEY` (also for a modulus outside 1024-16384 bits). */
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
 * The parts of a provider each operation takes, so that a bundle of `sign` alone (a browser client) carries no
 * verification or key generation code: a provider is given as these three objects.
 */
export type SignCrypto = Pick<CryptoProvider, 'key' | 'sign'>;
export type VerifyCrypto = Pick<CryptoProvider, 'key' | 'verify' | 'decodeSignature'>;
export type KeygenCrypto = Pick<CryptoProvider, 'generate'>;

export type { KeyKind, KeySource };
