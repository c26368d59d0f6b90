import { sign } from '@reqsign/nog';

export const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
export const KEYS = { [KEY.id]: KEY.secret };

/** A URL signed now with the test key (a fresh random nonce each time). */
export async function signed(method: string, url: string, options?: Parameters<typeof sign>[3]): Promise<string> {
  return (await sign(method, url, KEY, options)).url;
}

/** Flips one hex digit of the signature: a tampered URL with a well-formed signature. */
export function tamperSignature(url: string): string {
  const i = url.lastIndexOf('authsignature=') + 'authsignature='.length;
  const c = url[i] === '0' ? '1' : '0';
  return url.slice(0, i) + c + url.slice(i + 1);
}
