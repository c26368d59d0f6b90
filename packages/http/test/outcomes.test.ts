import { describe, expect, it } from 'vitest';
import { createNogAuthenticator, nogMiddleware } from '@reqsign/http';
import { KEYS, signed } from './helpers.js';

const res = () => ({ statusCode: 0, setHeader: () => {}, end: () => {} });
const boom = new Error('next threw');
const throwing = () => {
  throw boom;
};

/**
 * The middleware and the authenticator keep an async function's outcomes (they were async functions): whatever
 * throws, the caller's `next` included, rejects the returned promise, never a synchronous throw.
 */
describe('outcomes as an async function', () => {
  it('nogMiddleware: a next that throws rejects, on a pass, a preflight, a verifier exception', async () => {
    const mw = nogMiddleware({ keys: KEYS });
    const ok = { method: 'GET', url: (await signed('GET', 'https://x.example/p?a=b')).replace('https://x.example', ''), headers: {} };
    const preflight = { method: 'OPTIONS', url: '/p', headers: { origin: 'https://a.example', 'access-control-request-method': 'GET' } };
    // A URL that is not a string makes the verifier throw (ERR_INVALID_ARGUMENT): it goes to next(err), which throws.
    const bad = { method: 'GET', url: 5 as unknown as string, headers: {} };
    const getterThrows = Object.defineProperty({ headers: {} }, 'method', { get: throwing });
    for (const req of [ok, preflight, bad, getterThrows]) {
      let result: Promise<void> | undefined;
      expect(() => {
        result = mw(req, res(), throwing);
      }).not.toThrow();
      await expect(result).rejects.toBe(boom);
    }
  });

  it('createNogAuthenticator: a request whose getters throw rejects', async () => {
    const authenticate = createNogAuthenticator({ keys: KEYS });
    const hostile = Object.defineProperty({}, 'method', { get: throwing }) as Request;
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = authenticate(hostile);
    }).not.toThrow();
    await expect(result).rejects.toBe(boom);
    await expect(authenticate(undefined as unknown as Request)).rejects.toBeInstanceOf(TypeError);
  });
});
