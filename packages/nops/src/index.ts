/**
 * @reqsign/nops, portable build: WebCrypto and standard globals only (browsers, Deno, Bun, workers, and Node via
 * `@reqsign/nops/webcrypto`); Node's default entry (`node.ts`) binds the same operations to node:crypto.
 */
import { createNopsFetchWith, type CreateNopsFetchFunction } from './fetch.js';
import { generateKeyPairWith, type GenerateKeyPairFunction } from './generateKeyPair.js';
import { webKeygen, webSign, webVerify } from './internal/crypto-web.js';
import { signWith, type SignFunction } from './sign.js';
import { verifyWith, type VerifyFunction } from './verify.js';

export * from './api.js';

/** Signs a request for the nOps API: see {@link SignFunction}. */
export const sign: SignFunction = /* @__PURE__ */ signWith(webSign);
/** Verifies an `x-nops-signature`: see {@link VerifyFunction}. */
export const verify: VerifyFunction = /* @__PURE__ */ verifyWith(webVerify);
/** A new RSA key pair (2048 bits by default): private PKCS#8 PEM, public SPKI PEM. */
export const generateKeyPair: GenerateKeyPairFunction = /* @__PURE__ */ generateKeyPairWith(webKeygen);
/** A fetch that signs every request at send time, relative URLs resolved against `baseUrl`. */
export const createNopsFetch: CreateNopsFetchFunction = /* @__PURE__ */ createNopsFetchWith(webSign);
