import { KeyObject, createPrivateKey, createPublicKey, generateKeyPair, sign as rsaSign, verify as rsaVerify } from 'node:crypto';
import { promisify } from 'node:util';
import { NopsError, keyError } from '../errors.js';
import { cachedImport } from './keyCache.js';
import { checkBits, classifyKey, type KeyKind } from './keyInput.js';
import type { CryptoProvider } from './provider.js';

const generate = promisify(generateKeyPair);
const EMPTY = Buffer.alloc(0);

function importKey(input: unknown, kind: KeyKind): KeyObject {
  const source = classifyKey(input, kind);
  const name = kind === 'private' ? 'privateKey' : 'publicKey';
  const create = kind === 'private' ? createPrivateKey : createPublicKey;
  let key: KeyObject;
  try {
    switch (source.kind) {
      case 'der':
        key = create({ key: Buffer.from(source.der), format: 'der', type: source.format } as never);
        break;
      case 'jwk':
        key = create({ key: source.jwk as never, format: 'jwk' });
        break;
      case 'cryptokey':
        key = KeyObject.from(source.key as never);
        break;
      case 'keyobject':
        key = source.key instanceof KeyObject ? source.key : create({ key: source.jwk as never, format: 'jwk' });
        break;
    }
  } catch (cause) {
    if (cause instanceof NopsError) throw cause;
    throw keyError(`${name} could not be read as an RSA key`, cause);
  }
  if (key.type !== kind || key.asymmetricKeyType !== 'rsa') throw keyError(`${name} is not an RSA ${kind} key`);
  checkBits(key.asymmetricKeyDetails?.modulusLength, name);
  // Once per imported private key: its signature of a fixed message verifies under its own public part (a key whose
  // parts passed checkNumbers but whose p or q is no prime; a CryptoKey, whose numbers are not read).
  if (kind === 'private') {
    let ok = false;
    try {
      ok = rsaVerify('sha256', EMPTY, createPublicKey(key), rsaSign('sha256', EMPTY, key));
    } catch {}
    if (!ok) throw keyError('privateKey could not sign (an inconsistent RSA key)');
  }
  return key;
}

/**
 * Whether `text`, which Node's decoder turned into `decoded` bytes, is strict padded standard base64 (what canonical
 * `fromBase64` accepts), without encoding the bytes back (that round trip was a third of what verify adds to
 * crypto.verify). Node's decoder reads only the low byte of each UTF-16 unit (U+0141 is read as `A`), so a text with
 * any unit outside ASCII is refused first: its UTF-8 length is then more than its length (a native count, some 30 ns
 * for a 2048-bit signature where a pattern over the digits takes 400). Over ASCII the decoder skips what is not a
 * digit and stops at the first `=`, so every such character leaves fewer bytes than a strict text of this length
 * holds; it also reads the URL-safe `-` and `_`, refused here by name; and the bits a last digit leaves unused must
 * be zero (`QR==` is not `QQ==`).
 */
function isStrictBase64(text: string, decoded: number): boolean {
  const length = text.length;
  if ((length & 3) !== 0 || Buffer.byteLength(text, 'utf8') !== length) return false;
  const pad = text.charCodeAt(length - 1) !== 0x3d ? 0 : text.charCodeAt(length - 2) !== 0x3d ? 1 : 2;
  if (decoded !== (length >> 2) * 3 - pad || text.includes('-') || text.includes('_')) return false;
  // The digits whose value leaves the unused bits zero: a multiple of 4 before one `=`, of 16 before two.
  return pad === 0 || (pad === 1 ? 'AEIMQUYcgkosw048' : 'AQgw').includes(text.charAt(length - 1 - pad));
}

/** The node:crypto provider: synchronous RSA in OpenSSL, no WebCrypto promise round trip. */
export const nodeCrypto: CryptoProvider = {
  key: cachedImport(importKey),
  sign(key, message) {
    return rsaSign('sha256', Buffer.from(message, 'utf8'), key as KeyObject).toString('base64');
  },
  verify(key, message, signature) {
    return rsaVerify('sha256', Buffer.from(message, 'utf8'), key as KeyObject, signature);
  },
  decodeSignature(text) {
    if (text.length === 0) throw new NopsError('ERR_NOPS_SIGNATURE_ENCODING', 'The signature is empty');
    const bytes = Buffer.from(text, 'base64');
    if (!isStrictBase64(text, bytes.length)) {
      throw new NopsError('ERR_NOPS_SIGNATURE_ENCODING', 'The signature is not strict, padded standard base64');
    }
    return bytes;
  },
  async generate(bits) {
    return generate('rsa', {
      modulusLength: bits,
      publicExponent: 0x10001,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  },
};
