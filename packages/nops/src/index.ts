/**
 * @reqsign/nops, portable build: WebCrypto and standard globals only (browsers, Deno, Bun, workers, Node). The
 * `node` export condition selects `node.ts` instead, with the same API over node:crypto.
 */
import { createNopsFetchWith, type NopsFetch, type NopsFetchOptions } from './fetch.js';
import { generateKeyPairWith, type GenerateKeyPairOptions, type NopsKeyPair } from './generateKeyPair.js';
import { webGenerator, webSigner, webVerifier } from './internal/webcrypto.js';
import { signWith, type SignOptions, type SignResult } from './sign.js';
import { verifyWith, type VerifyInput } from './verify.js';
import type { PublicKeyInput } from './types.js';

export * from './api.js';

/** Signs a request for the nOps API: see {@link SignOptions}. */
export function sign(url: string, options: SignOptions): Promise<SignResult> {
  return signWith(webSigner, url, options);
}

/**
 * Verifies an `x-nops-signature`: `true` or `false` for a well-formed signature; `ERR_NOPS_SIGNATURE_ENCODING` for
 * one that is not strict base64, `ERR_NOPS_KEY` for a key that is not a public RSA key of at least 1024 bits.
 */
export function verify(input: VerifyInput, signature: string, publicKey: PublicKeyInput): Promise<boolean> {
  return verifyWith(webVerifier, input, signature, publicKey);
}

/** A new RSA key pair (2048 bits by default): private PKCS#8 PEM, public SPKI PEM. */
export function generateKeyPair(options?: GenerateKeyPairOptions): Promise<NopsKeyPair> {
  return generateKeyPairWith(webGenerator, options);
}

/** A fetch that signs every request at send time, relative URLs resolved against `baseUrl`. */
export function createNopsFetch(options: NopsFetchOptions): NopsFetch {
  return createNopsFetchWith(webSigner, options);
}
