import { createPrivateKey, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NopsError, buildMessage } from '../src/node.js';
import { DOC_KEY, DOC_MESSAGE, builds, codeOf, keyPath, opensslSign, pem } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

const DOC_URL = '/nops_api/v1/billingGetTotal/';
const base = { apiKey: DOC_KEY, date: '2022-01-10' };

describe('buildMessage', () => {
  it('builds the documentation example', () => {
    const m = buildMessage(DOC_URL, base);
    expect(m.message).toBe(DOC_MESSAGE);
    expect(m.headers).toEqual({});
  });

  it('defaults the date to today in UTC', () => {
    const before = new Date().toISOString().slice(0, 10);
    const { message } = buildMessage(DOC_URL, { apiKey: DOC_KEY });
    const after = new Date().toISOString().slice(0, 10);
    expect([`123.${before}.`, `123.${after}.`]).toContain(message.slice(0, 15));
  });

  it('takes the day of a Date in the time zone given', () => {
    const date = new Date(Date.UTC(2022, 0, 10, 23, 0));
    expect(buildMessage(DOC_URL, { apiKey: DOC_KEY, date }).message).toContain('.2022-01-10.');
    expect(buildMessage(DOC_URL, { apiKey: DOC_KEY, date, timeZone: 'Europe/Berlin' }).message).toContain('.2022-01-11.');
  });

  it('refuses a time zone beside a YYYY-MM-DD date (ERR_NOPS_DATE)', async () => {
    expect(await codeOf(() => buildMessage(DOC_URL, { ...base, timeZone: 'Asia/Tokyo' }))).toBe('ERR_NOPS_DATE');
  });

  it('names the argument of the wrong type', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => buildMessage(DOC_URL, null as never), 'options'],
      [() => buildMessage(DOC_URL, { ...base, apiKey: 123 as never }), 'apiKey'],
      [() => buildMessage(DOC_URL, { ...base, apiKeyIn: 'cookie' as never }), 'apiKeyIn'],
      [() => buildMessage(DOC_URL, { ...base, trailingSlash: 'keep' as never }), 'trailingSlash'],
      [() => buildMessage(DOC_URL, { apiKey: DOC_KEY, date: 20220110 as never }), 'date'],
      [() => buildMessage(DOC_URL, { apiKey: DOC_KEY, date: new Date(), timeZone: 9 as never }), 'timeZone'],
    ];
    for (const [fn, name] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(NopsError);
      expect((err as NopsError).code).toBe('ERR_INVALID_ARGUMENT');
      expect((err as NopsError).message).toContain(name);
    }
  });

  it('passes canonical errors through with their codes', async () => {
    expect(await codeOf(() => buildMessage('/a b/', base))).toBe('ERR_TARGET_CHARACTER');
    expect(await codeOf(() => buildMessage('//host/p/', base))).toBe('ERR_TARGET_FORM');
    expect(await codeOf(() => buildMessage(DOC_URL, { apiKey: DOC_KEY, date: new Date(Number.NaN) }))).toBe('ERR_DATE_RANGE');
  });

  it('rejects an api_key parameter already in the URL, in either placement', async () => {
    for (const apiKeyIn of ['query', 'header'] as const) {
      expect(await codeOf(() => buildMessage(`${DOC_URL}?a=1&api_key=x`, { ...base, apiKeyIn }))).toBe('ERR_NOPS_API_KEY_PARAM');
    }
    // A parameter that only contains the name is not the key.
    expect(buildMessage(`${DOC_URL}?my_api_key=1`, base).target).toBe(`${DOC_URL}?my_api_key=1&api_key=${DOC_KEY}`);
  });
});

describe.each(builds)('sign (%s)', (_name, build) => {
  it('gives the same signature for every form of the same private key', async () => {
    const expected = opensslSign(keyPath('rsa2048'), Buffer.from(DOC_MESSAGE));
    const keyObject = createPrivateKey(pem('rsa2048'));
    const jwk = keyObject.export({ format: 'jwk' });
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const cryptoKey = await webcrypto.subtle.importKey('jwk', jwk, alg, false, ['sign']);
    const forms: unknown[] = [
      pem('rsa2048'),
      pem('rsa2048-pkcs1'),
      jwk,
      { ...jwk, alg: 'RS256', use: 'sig', key_ops: ['verify'] },
      keyObject,
      cryptoKey,
    ];
    for (const privateKey of forms) {
      const r = await build.sign(DOC_URL, { ...base, privateKey: privateKey as never });
      expect(r.signature).toBe(expected);
      expect(r.headers).toEqual({ 'x-nops-signature': expected });
    }
  });

  it('accepts PEM with CRLF line ends and surrounding whitespace', async () => {
    const crlf = `\n  ${pem('rsa1024').replace(/\n/g, '\r\n')}\n`;
    const r = await build.sign(DOC_URL, { ...base, privateKey: crlf });
    expect(r.signature).toBe(opensslSign(keyPath('rsa1024'), Buffer.from(DOC_MESSAGE)));
  });

  it('sends the key in X-Nops-Api-Key in header form', async () => {
    const r = await build.sign('https://app.nops.io/c/admin/projectaws/', { ...base, apiKeyIn: 'header', privateKey: pem('rsa1024') });
    expect(r.url).toBe('https://app.nops.io/c/admin/projectaws/');
    expect(r.message).toBe('123.2022-01-10./c/admin/projectaws/');
    expect(Object.keys(r.headers).sort()).toEqual(['x-nops-api-key', 'x-nops-signature']);
    expect(r.headers['x-nops-api-key']).toBe(DOC_KEY);
    expect(r.signature).not.toMatch(/\s/);
  });

  it('refuses keys that are not usable RSA private keys, with ERR_NOPS_KEY and no key material in the message', async () => {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const pss = await webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(pem('rsa2048')).export({ type: 'pkcs8', format: 'der' }),
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const sha512 = await webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(pem('rsa2048')).export({ type: 'pkcs8', format: 'der' }),
      { ...alg, hash: 'SHA-512' },
      false,
      ['sign'],
    );
    const jwk = createPrivateKey(pem('rsa2048')).export({ format: 'jwk' });
    const bad: unknown[] = [
      'not a key',
      pem('rsa2048') + pem('rsa1024'),
      pem('rsa2048').replace('MII', 'M*I'),
      pem('rsa512'),
      pem('ec256'),
      pem('rsa2048.pub'),
      pem('rsa2048.cert'),
      pem('rsa1024.enc'),
      pem('rsa2048-pkcs1').replace(/\n[A-Za-z0-9+/]{64}\n/, '\nAAAA\n'),
      createPrivateKey(pem('ec256')),
      { ...jwk, kty: 'EC' },
      { ...jwk, alg: 'RS512' },
      { ...jwk, d: undefined },
      pss,
      sha512,
    ];
    for (const privateKey of bad) {
      let err: unknown;
      try {
        await build.sign(DOC_URL, { ...base, privateKey: privateKey as never });
      } catch (e) {
        err = e;
      }
      expect(err, String(privateKey).slice(0, 40)).toBeInstanceOf(NopsError);
      expect((err as NopsError).code).toBe('ERR_NOPS_KEY');
      expect((err as NopsError).message).not.toMatch(/MII|BEGIN|[A-Za-z0-9+/]{20}/);
    }
    expect(await codeOf(build.sign(DOC_URL, { ...base, privateKey: 42 as never }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await codeOf(build.sign(DOC_URL, { ...base, privateKey: undefined as never }))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('checks the request before the key', async () => {
    expect(await codeOf(build.sign('/no-slash', { ...base, trailingSlash: 'reject', privateKey: 'junk' }))).toBe('ERR_NOPS_TRAILING_SLASH');
  });

  it('signs with a cached key as with a fresh one, and a failed import is not cached', async () => {
    const key = pem('rsa1024');
    const a = await build.sign(DOC_URL, { ...base, privateKey: key });
    const b = await build.sign(DOC_URL, { ...base, privateKey: `${key}` });
    expect(b.signature).toBe(a.signature);
    const broken = pem('rsa2048').replace(/\n[A-Za-z0-9+/]{64}\n/, '\nAAAA\n');
    expect(await codeOf(build.sign(DOC_URL, { ...base, privateKey: broken }))).toBe('ERR_NOPS_KEY');
    expect(await codeOf(build.sign(DOC_URL, { ...base, privateKey: broken }))).toBe('ERR_NOPS_KEY');
  });

  it('returns a rejected promise rather than throwing', () => {
    const p = build.sign(DOC_URL, null as never);
    expect(p).toBeInstanceOf(Promise);
    return expect(p).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  // README, API: which functions return promises (bad input rejects) and which answer at once (bad input throws).
  it('sign, signWithCryptoKey, verify, diagnose and generateKeyPair reject; buildMessage, createNopsFetch, retryOn503 throw', async () => {
    const { diagnose } = build === builds[0]![1] ? await import('../src/diagnose/node.js') : await import('../src/diagnose/index.js');
    const asynchronous: Array<[string, () => unknown]> = [
      ['sign', () => build.sign(DOC_URL, null as never)],
      ['signWithCryptoKey', () => build.signWithCryptoKey(DOC_URL, null as never)],
      ['verify', () => build.verify(null as never, null, null as never)],
      ['diagnose', () => diagnose(null as never, null, null as never)],
      ['generateKeyPair', () => build.generateKeyPair(null as never)],
    ];
    for (const [name, call] of asynchronous) {
      const p = call();
      expect(p, name).toBeInstanceOf(Promise);
      await expect(p, name).rejects.toSatisfy((e: unknown) => e instanceof build.NopsError && e.code === 'ERR_INVALID_ARGUMENT');
    }
    const synchronous: Array<[string, () => unknown]> = [
      ['buildMessage', () => build.buildMessage(DOC_URL, null as never)],
      ['createNopsFetch', () => build.createNopsFetch(null as never)],
      ['retryOn503', () => build.retryOn503(5 as never)],
    ];
    for (const [name, call] of synchronous) {
      expect(call, name).toThrow(expect.objectContaining({ name: 'NopsError', code: 'ERR_INVALID_ARGUMENT' }));
    }
  });
});
