import { subtleCrypto, toBase64 } from '@reqsign/canonical';
import { NopsError } from '../../errors.js';
import type { PublicNumbers } from './open.js';
import type { DiagnosisCrypto } from './run.js';

const b64url = (n: bigint): string => {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return toBase64(bytes).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

const jwk = (key: PublicNumbers): JsonWebKey => ({ kty: 'RSA', n: b64url(key.n), e: b64url(key.e), ext: true });
const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;

/** WebCrypto for a diagnosis: SHA-256, and the verifications with another padding or hash (imported from n and e). */
export const webDiagnosisCrypto: DiagnosisCrypto = {
  async sha256(data) {
    return new Uint8Array(await subtleCrypto(NopsError).digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  },
  async verifyPss(key, message, signature, saltLength) {
    const subtle = subtleCrypto(NopsError);
    const k = await subtle.importKey('jwk', jwk(key), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
    return subtle.verify({ name: 'RSA-PSS', saltLength }, k, signature as Uint8Array<ArrayBuffer>, bytes(message));
  },
  async verifyHash(key, hash, message, signature) {
    const subtle = subtleCrypto(NopsError);
    const k = await subtle.importKey('jwk', jwk(key), { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    return subtle.verify('RSASSA-PKCS1-v1_5', k, signature as Uint8Array<ArrayBuffer>, bytes(message));
  },
};
