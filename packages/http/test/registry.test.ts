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

  it('answers the newest verification, whichever way each was kept (field, or marked in req.nogAuth)', () => {
    // How the integrations keep it: a field on the request (fetch API, Koa, Fastify, Node http), or, for Express's
    // requests, req.nogAuth set to the verification and the verification marked as this request's.
    const inProperty = (o: { nogAuth?: NogAuth }, a: NogAuth) => {
      o.nogAuth = a;
      rememberNogAuth(o, a, true);
    };
    const inField = (o: { nogAuth?: NogAuth }, a: NogAuth, withProperty: boolean) => {
      if (withProperty) o.nogAuth = a;
      rememberNogAuth(o, a);
    };
    for (const withProperty of [true, false]) {
      const o: { nogAuth?: NogAuth } = Object.setPrototypeOf({}, { app: {} });
      inProperty(o, auth(1));
      expect(recallNogAuth(o)!.keyId).toBe('k1');
      inField(o, auth(2), true);
      expect(recallNogAuth(o)!.keyId).toBe('k2');
      inProperty(o, auth(3));
      expect(recallNogAuth(o)!.keyId).toBe('k3');
      if (!withProperty) continue;
      inField(o, auth(4), withProperty);
      expect(recallNogAuth(o)!.keyId).toBe('k4');
    }
  });

  it('reads req.nogAuth only as the verification of that very request: not moved, copied, forged or behind a getter', () => {
    const a = auth(1);
    const req: { nogAuth?: unknown } = {};
    req.nogAuth = a;
    rememberNogAuth(req, a, true);
    expect(recallNogAuth(req)).toBe(a);
    // Put on another request: not that request's verification.
    const other: { nogAuth?: unknown } = { nogAuth: a };
    expect(recallNogAuth(other)).toBeUndefined();
    expect(recallNogAuth({ ...req })).toBeUndefined();
    expect(recallNogAuth(Object.create(req))).toBeUndefined();
    // A look-alike in its place: not a verification at all.
    req.nogAuth = { ...a };
    expect(recallNogAuth(req)).toBeUndefined();
    // The verification behind a getter: no getter runs, nothing is read from it.
    let ran = 0;
    Object.defineProperty(req, 'nogAuth', {
      get: () => {
        ran++;
        return a;
      },
      configurable: true,
    });
    expect(recallNogAuth(req)).toBeUndefined();
    expect(ran).toBe(0);
    // Nothing of it shows on the verification: no own key, symbol or otherwise.
    expect(Reflect.ownKeys(a)).toEqual(['ok', 'keyId']);
    // A revoked proxy: no answer and no exception, as a WeakMap lookup.
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(recallNogAuth(proxy)).toBeUndefined();
  });

  it('keeps each request its own when a verifier returns one result object for two requests, or a frozen one', () => {
    const shared = auth(7);
    const [r1, r2]: { nogAuth?: NogAuth }[] = [{}, {}];
    for (const r of [r1!, r2!]) {
      r.nogAuth = shared;
      rememberNogAuth(r, shared, true);
    }
    expect(recallNogAuth(r1!)).toBe(shared);
    expect(recallNogAuth(r2!)).toBe(shared);
    const frozen = Object.freeze(auth(8));
    const r3: { nogAuth?: NogAuth } = { nogAuth: frozen };
    rememberNogAuth(r3, frozen, true);
    expect(recallNogAuth(r3)).toBe(frozen);
  });

  it('answers undefined for anything that is not an object, as a WeakMap lookup does', () => {
    for (const v of [undefined, null, 0, 'req', true, Symbol('s'), 1n]) expect(getNogAuth(v as never)).toBeUndefined();
  });
});
