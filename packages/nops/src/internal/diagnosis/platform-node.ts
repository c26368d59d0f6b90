import { type KeyObject, constants, createHash, createPublicKey, publicDecrypt, verify } from 'node:crypto';
import type { PublicNumbers } from './open.js';
import type { DiagnosisCrypto } from './run.js';
import { webDiagnosisCrypto } from './platform-web.js';

const keyOf = (key: PublicNumbers): KeyObject => {
  const b64url = (n: bigint): string => {
    const hex = n.toString(16);
    return Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex').toString('base64url');
  };
  return createPublicKey({ key: { kty: 'RSA', n: b64url(key.n), e: b64url(key.e) }, format: 'jwk' });
};

/** node:crypto for a diagnosis: synchronous SHA-256, the RSA public operation in OpenSSL (about one verify). */
export const nodeDiagnosisCrypto: DiagnosisCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  open(key, signature) {
    try {
      return publicDecrypt({ key: key as KeyObject, padding: constants.RSA_NO_PADDING }, signature).toString('hex');
    } catch {
      return null;
    }
  },
  async verifyPss(key, message, signature, saltLength) {
    return verify(
      'sha256',
      Buffer.from(message, 'utf8'),
      { key: keyOf(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
      signature,
    );
  },
  verifyHash: (key, hash, message, signature) =>
    hash === 'SHA-1' || hash === 'SHA-384' || hash === 'SHA-512'
      ? Promise.resolve(verify(hash.replace('-', '').toLowerCase(), Buffer.from(message, 'utf8'), keyOf(key), signature))
      : webDiagnosisCrypto.verifyHash(key, hash, message, signature),
};
