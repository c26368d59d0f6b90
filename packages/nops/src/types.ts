/** An RSA JSON Web Key (RFC 7517 / 7518): `n` and `e`, plus `d`, `p`, `q`, `dp`, `dq`, `qi` for a private key. */
export interface RsaJwk {
  readonly kty: string;
  readonly n?: string;
  readonly e?: string;
  readonly d?: string;
  readonly p?: string;
  readonly q?: string;
  readonly dp?: string;
  readonly dq?: string;
  readonly qi?: string;
  readonly alg?: string;
  readonly [other: string]: unknown;
}

/**
 * A node:crypto `KeyObject`, described by shape so that the portable build's types need no `@types/node`. The
 * node build uses it directly; the WebCrypto build reads it through `export({ format: 'jwk' })`.
 */
export interface KeyObjectLike {
  readonly type: string;
  readonly asymmetricKeyType?: string | undefined;
  export(options: { format: 'jwk' }): object;
}

/**
 * A WebCrypto `CryptoKey`, described by shape so that the declarations need neither the DOM library nor
 * `@types/node` globals (a consumer on `lib: ["ES2022"]` compiles). Any real `CryptoKey` fits.
 */
export interface CryptoKeyLike {
  readonly type: string;
  readonly algorithm: object;
  readonly usages: readonly string[];
  readonly extractable: boolean;
}

/**
 * A private RSA key: PEM (`BEGIN PRIVATE KEY` PKCS#8 or `BEGIN RSA PRIVATE KEY` PKCS#1, unencrypted) as text or as
 * its bytes (what `readFileSync(path)` returns), an RSA JWK with its private parts (the object or its JSON text), a
 * node `KeyObject`, or a WebCrypto `CryptoKey` for RSASSA-PKCS1-v1_5 / SHA-256. An encrypted PEM is refused with
 * what to do (decrypt it, or pass `crypto.createPrivateKey({ key, passphrase })`).
 */
export type PrivateKeyInput = string | Uint8Array | RsaJwk | KeyObjectLike | CryptoKeyLike;

/**
 * A public RSA key: PEM (`BEGIN PUBLIC KEY` SPKI or `BEGIN RSA PUBLIC KEY` PKCS#1) as text or bytes, an RSA JWK
 * without private parts (the object or its JSON text), a node `KeyObject` of type `public`, or a WebCrypto public `CryptoKey` for RSASSA-PKCS1-v1_5 / SHA-256.
 */
export type PublicKeyInput = string | Uint8Array | RsaJwk | KeyObjectLike | CryptoKeyLike;

/** Where the API key travels: in the query as `api_key=<key>` (the documented form) or in `X-Nops-Api-Key`. */
export type ApiKeyIn = 'query' | 'header';

/** The day that is signed: a `Date` (taken in `timeZone`, default UTC) or a `YYYY-MM-DD` string used as given. */
export type DateInput = Date | string;
