/**
 * @reqsign/nops for Node (the `node` export condition): the operations of the portable entry (`index.ts`) bound to
 * node:crypto, synchronous RSA in OpenSSL without the WebCrypto promise round trip.
 */
import { createNopsFetchWith, type CreateNopsFetchFunction } from './fetch.js';
import { generateKeyPairWith, type GenerateKeyPairFunction } from './generateKeyPair.js';
import { nodeCrypto } from './internal/crypto-node.js';
import { signWith, type SignFunction } from './sign.js';
import { verifyWith, type VerifyFunction } from './verify.js';

export * from './api.js';

/** Signs a request for the nOps API: see {@link SignFunction}. */
export const sign: SignFunction = /* @__PURE__ */ signWith(nodeCrypto);
/** Verifies an `x-nops-signature`: see {@link VerifyFunction}. */
export const verify: VerifyFunction = /* @__PURE__ */ verifyWith(nodeCrypto);
/** A new RSA key pair (2048 bits by default): private PKCS#8 PEM, public SPKI PEM. */
export const generateKeyPair: GenerateKeyPairFunction = /* @__PURE__ */ generateKeyPairWith(nodeCrypto);
/** A fetch that signs every request at send time, relative URLs resolved against `baseUrl`. */
export const createNopsFetch: CreateNopsFetchFunction = /* @__PURE__ */ createNopsFetchWith(nodeCrypto);
