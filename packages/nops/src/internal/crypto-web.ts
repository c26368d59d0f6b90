import { fromBase64, subtleCrypto, toBase64, utf8 } from '@reqsign/canonical';
import { NopsError, keyError } from '../errors.js';
import { cachedImport } from './keyCache.js';
import { classifyKey, type KeyKind } from './keyInput.js';
import { toPem } from './pem.js';
import { publicSpki } from './rsaKey.js';
import type { KeygenCrypto, SignCrypto, VerifyCrypto } from './provider.js';

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const SIGN = { name: 'RSASSA-PKCS1-v1_5' } as const;

const subtle = (): SubtleCrypto => subtleCrypto(NopsError);

async function importKey(input: unknown, kind: KeyKind): Promise<CryptoKey> {
  const source = classifyKey(input, kind);
  const usage: KeyUsage = kind === 'private' ? 'sign' : 'verify';
  const name = kind === 'private' ? 'privateKey' : 'publicKey';
  // Checked in full by classifyKey (algorithm, kind, usage, size).
  if (source.kind === 'cryptokey') return source.key as CryptoKey;
  let key: CryptoKey;
  try {
    if (source.kind === 'der') {
      key = await subtle().importKey(source.format, source.der as Uint8Array<ArrayBuffer>, ALGORITHM, false, [usage]);
    } else {
      key = await subtle().importKey('jwk', source.jwk as JsonWebKey, ALGORITHM, false, [usage]);
    }
  } catch (cause) {
    if (cause instanceof NopsError) throw cause;
    throw keyError(`${name} could not be read as an RSA key`, cause);
  }
  // Once per imported private key: its signature of a fixed message verifies under its own public part.
  if (kind === 'private' && !(await selfCheck(key, source.numbers))) throw keyError('privateKey could not sign (an inconsistent RSA key)');
  return key;
}

async function selfCheck(key: CryptoKey, numbers: readonly Uint8Array[]): Promise<boolean> {
  const message = Uint8Array.of();
  try {
    const spki = await subtle().importKey('spki', publicSpki(numbers) as Uint8Array<ArrayBuffer>, ALGORITHM, false, ['verify']);
    return await subtle().verify(SIGN, spki, await subtle().sign(SIGN, key, message), message);
  } catch {
    return false;
  }
}

// The portable provider: WebCrypto only (browsers, Deno, Bun, workers, Node). Three objects rather than one, so
// that a bundler drops what an app does not call (a browser client that only signs carries no verify or keygen).
// One cache of imported keys, shared by signing and verification.
const cachedKey = /* @__PURE__ */ cachedImport(importKey);

/** Base64 of the RSASSA-PKCS1-v1_5 / SHA-256 signature with a CryptoKey (also `signWithCryptoKey`'s, without key import). */
export async function webSignature(key: unknown, message: string): Promise<string> {
  return toBase64(new Uint8Array(await subtle().sign(SIGN, key as CryptoKey, utf8(message) as Uint8Array<ArrayBuffer>)));
}

export const webSign: SignCrypto = { key: cachedKey, sign: webSignature };

export const webVerify: VerifyCrypto = {
  key: cachedKey,
  verify(key, message, signature) {
    return subtle().verify(SIGN, key as CryptoKey, signature as Uint8Array<ArrayBuffer>, utf8(message) as Uint8Array<ArrayBuffer>);
  },
  decodeSignature(text) {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(text);
    } catch (cause) {
      throw new NopsError('ERR_NOPS_SIGNATURE_ENCODING', 'The signature is not strict, padded standard base64', { cause });
    }
    if (bytes.length === 0) throw new NopsError('ERR_NOPS_SIGNATURE_ENCODING', 'The signature is empty');
    return bytes;
  },
};

export const webKeygen: KeygenCrypto = {
  async generate(bits) {
    const pair = (await subtle().generateKey({ ...ALGORITHM, modulusLength: bits, publicExponent: Uint8Array.of(1, 0, 1) }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const [pkcs8, spki] = await Promise.all([subtle().exportKey('pkcs8', pair.privateKey), subtle().exportKey('spki', pair.publicKey)]);
    return {
      privateKey: toPem('PRIVATE KEY', toBase64(new Uint8Array(pkcs8))),
      publicKey: toPem('PUBLIC KEY', toBase64(new Uint8Array(spki))),
    };
  },
};
