import { describe, expect, it } from 'vitest';
import { createNogAuthenticator, getNogAuth, type NogAuth } from '@reqsign/http';
import { recallNogAuth, rememberNogAuth } from '../src/internal/registry.js';
import { KEYS, signed } from './helpers.js';

const ORIGIN = 'https://nog.example.org';
const auth = (n: number) => ({ ok: true, keyId: `k${n}` }) as unknown as NogAuth;

/** getNogAuth answers for the very object that was verified: as a WeakMap would, whatever the object. */
describe('the verification remembered per request (getNogAuth)', () => {
  it('holds for the verified object only: not a copy, not a look-alike, not another object', async () => {
    const authenticate = createNogAuthenticator({ keys: KEYS });
    const request = new Request(await signed('GET', `${ORIGIN}/p?a=b`));
    const result = (await authenticate(request)) as NogAuth;
    expect(getNogAuth(request)).toBe(result);
    expect(getNogAuth({ ...request })).toBeUndefined();
    expect(getNogAuth(Object.create(request))).toBeUndefined();
    expect(getNogAuth(new Request(request.url))).toBeUndefined();
    // Nothing of it shows on the object: no own key, symbol or otherwise.
    expect(Reflect.ownKeys(request).filter((k) => String(k).includes('nog'))).toEqual([]);
  });

  it('takes any object (frozen, a proxy, a function, an array), remembered again with the newer result', () => {
    const objects: object[] = [Object.freeze({}), Object.seal({}), new Proxy({}, {}), () => {}, [], Object.create(null), new Map()];
    for (const [i, o] of objects.entries()) {
      expect(recallNogAuth(o)).toBeUndefined();
      rememberNogAuth(o, auth(i));
      expect(recallNogAuth(o)!.keyId).toBe(`k${i}`);
      rememberNogAuth(o, auth(i + 100));
      expect(recallNogAuth(o)!.keyId).toBe(`k${i + 100}`);
    }
  });

  it('answers the newest verification, whichever way each was kept (table or field)', () => {
    for (const o of [{}, Object.freeze({}), Object.setPrototypeOf({}, { app: {} })]) {
      rememberNogAuth(o, auth(1), true);
      expect(recallNogAuth(o)!.keyId).toBe('k1');
      rememberNogAuth(o, auth(2));
      expect(recallNogAuth(o)!.keyId).toBe('k2');
      rememberNogAuth(o, auth(3), true);
      expect(recallNogAuth(o)!.keyId).toBe('k3');
    }
  });

  it('answers undefined for anything that is not an object, as a WeakMap lookup does', () => {
    for (const v of [undefined, null, 0, 'req', true, Symbol('s'), 1n]) expect(getNogAuth(v as never)).toBeUndefined();
  });
});
