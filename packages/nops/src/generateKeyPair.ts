import { assertObject, assertOptionNames } from '@reqsign/canonical';
import { NopsError, invalidArgument } from './errors.js';
import { sizeOk } from './internal/keyInput.js';
import type { KeygenCrypto } from './internal/provider.js';

export interface GenerateKeyPairOptions {
  /** Modulus size in bits: a multiple of 8 from 1024 to 16384 (default 2048). */
  readonly bits?: number | undefined;
}

export interface NopsKeyPair {
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`). Keep it secret. */
  readonly privateKey: string;
  /** SPKI PEM (`BEGIN PUBLIC KEY`), what the nOps console's "Signature Verification" field takes. */
  readonly publicKey: string;
}

/** A new RSA key pair (2048 bits by default): private PKCS#8 PEM, public SPKI PEM. */
export type GenerateKeyPairFunction = (options?: GenerateKeyPairOptions) => Promise<NopsKeyPair>;

/** Binds `generateKeyPair` to the key generation part of a crypto provider. */
export function generateKeyPairWith(crypto: KeygenCrypto): GenerateKeyPairFunction {
  return (options) => generate(crypto, options);
}

async function generate(crypto: KeygenCrypto, options: GenerateKeyPairOptions = {}): Promise<NopsKeyPair> {
  assertObject(options, 'options', NopsError);
  // The light check (in the browser bundle of every export): its one option named, no edit distance.
  assertOptionNames(options, ['bits'], 'generateKeyPair', NopsError);
  // Only undefined means the default: `bits: null` is an error, not a 2048-bit key.
  const bits = options.bits === undefined ? 2048 : options.bits;
  if (typeof bits !== 'number') invalidArgument('bits must be a number');
  if (!Number.isInteger(bits) || !sizeOk(bits) || bits % 8 !== 0) {
    throw new NopsError('ERR_NOPS_KEY_SIZE', 'bits must be a multiple of 8 from 1024 to 16384');
  }
  const pair = await crypto.generate(bits);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}
