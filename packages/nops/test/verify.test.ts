import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DOC_KEY, DOC_MESSAGE, builds, codeOf, keyPath, opensslSign, outcomeOf, pem } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

const signature2048 = opensslSign(keyPath('rsa2048'), Buffer.from(DOC_MESSAGE));
const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

describe.each(builds)('verify (%s)', (_name, build) => {
  it('accepts every form of the public key', async () => {
    const keyObject = createPublicKey(pem('rsa2048.pub'));
    const jwk = keyObject.export({ format: 'jwk' });
    const cryptoKey = await webcrypto.subtle.importKey('jwk', jwk, alg, false, ['verify']);
    for (const key of [pem('rsa2048.pub'), pem('rsa2048-pkcs1.pub'), jwk, keyObject, cryptoKey]) {
      expect(await outcomeOf(build.verify({ message: DOC_MESSAGE }, signature2048, key as never))).toBe('valid');
      expect(await outcomeOf(build.verify({ message: `${DOC_MESSAGE} ` }, signature2048, key as never))).toBe('ERR_NOPS_SIGNATURE_INVALID');
    }
  });

  it('refuses a private key of any form as the public key', async () => {
    const priv = createPrivateKey(pem('rsa2048'));
    const cryptoKey = await webcrypto.subtle.importKey('jwk', priv.export({ format: 'jwk' }), alg, false, ['sign']);
    for (const key of [pem('rsa2048'), pem('rsa2048-pkcs1'), priv, priv.export({ format: 'jwk' }), cryptoKey]) {
      expect(await outcomeOf(build.verify({ message: DOC_MESSAGE }, signature2048, key as never))).toBe('ERR_NOPS_KEY');
    }
    const signOnly = await webcrypto.subtle.importKey(
      'spki',
      createPublicKey(pem('rsa2048.pub')).export({ type: 'spki', format: 'der' }),
      alg,
      false,
      [],
    );
    expect(await outcomeOf(build.verify({ message: DOC_MESSAGE }, signature2048, signOnly))).toBe('ERR_NOPS_KEY');
  });

  it('verifies a received target whose path starts with // (GET //nops_api/v1/x/ HTTP/1.1) as sent', async () => {
    const signed = await build.sign('https://app.nops.io//nops_api/v1/x/?b=2', {
      apiKey: DOC_KEY,
      date: '2022-01-10',
      privateKey: pem('rsa1024'),
    });
    expect(signed.target.startsWith('//nops_api/v1/x/?b=2&api_key=')).toBe(true);
    const parts = { url: signed.target, apiKey: DOC_KEY, date: '2022-01-10' };
    expect(await outcomeOf(build.verify(parts, signed.signature, pem('rsa1024.pub')))).toBe('valid');
    expect(await outcomeOf(build.verify({ ...parts, url: signed.target.slice(1) }, signed.signature, pem('rsa1024.pub')))).toBe(
      'ERR_NOPS_SIGNATURE_INVALID',
    );
  });

  it('verifies request parts as sent, and fails on any change to them', async () => {
    const signed = await build.sign('https://app.nops.io/nops_api/v1/x/?b=2', {
      apiKey: DOC_KEY,
      date: '2022-01-10',
      privateKey: pem('rsa1024'),
    });
    const pub = pem('rsa1024.pub');
    const parts = { url: signed.url, apiKey: DOC_KEY, date: '2022-01-10' };
    expect(await outcomeOf(build.verify(parts, signed.signature, pub))).toBe('valid');
    expect(await outcomeOf(build.verify({ ...parts, date: new Date(Date.UTC(2022, 0, 10, 12)) }, signed.signature, pub))).toBe('valid');
    expect(await outcomeOf(build.verify({ ...parts, date: '2022-01-09' }, signed.signature, pub))).toBe('ERR_NOPS_SIGNATURE_INVALID');
    expect(await outcomeOf(build.verify({ ...parts, url: signed.url.replace('b=2', 'b=3') }, signed.signature, pub))).toBe(
      'ERR_NOPS_SIGNATURE_INVALID',
    );
    expect(await outcomeOf(build.verify({ ...parts, url: signed.url.replace('/x/', '/y/') }, signed.signature, pub))).toBe(
      'ERR_NOPS_SIGNATURE_INVALID',
    );
    // The key must be the URL's last parameter, once, and the same as apiKey.
    expect(await outcomeOf(build.verify({ ...parts, apiKey: '123.other' }, signed.signature, pub))).toBe('ERR_NOPS_API_KEY_PARAM');
    expect(await outcomeOf(build.verify({ ...parts, url: `${signed.url}&c=1` }, signed.signature, pub))).toBe('ERR_NOPS_API_KEY_PARAM');
    expect(await outcomeOf(build.verify({ ...parts, url: `${signed.url}&api_key=${DOC_KEY}` }, signed.signature, pub))).toBe(
      'ERR_NOPS_API_KEY_PARAM',
    );
    expect(await outcomeOf(build.verify({ url: signed.url, apiKey: DOC_KEY } as never, signed.signature, pub))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
  });

  it('verifies header-form request parts', async () => {
    const signed = await build.sign('/c/admin/projectaws/', {
      apiKey: DOC_KEY,
      date: '2022-01-10',
      apiKeyIn: 'header',
      privateKey: pem('rsa1024'),
    });
    const parts = { url: signed.url, apiKey: DOC_KEY, date: '2022-01-10', apiKeyIn: 'header' as const };
    expect(await outcomeOf(build.verify(parts, signed.signature, pem('rsa1024.pub')))).toBe('valid');
    expect(await outcomeOf(build.verify({ ...parts, apiKey: '124.aaaa' }, signed.signature, pem('rsa1024.pub')))).toBe(
      'ERR_NOPS_SIGNATURE_INVALID',
    );
  });

  it('gives typed errors for arguments of the wrong type', async () => {
    expect(await outcomeOf(build.verify(null as never, signature2048, pem('rsa2048.pub')))).toBe('ERR_INVALID_ARGUMENT');
    expect(await outcomeOf(build.verify({ message: 1 } as never, signature2048, pem('rsa2048.pub')))).toBe('ERR_INVALID_ARGUMENT');
    // A signature that is not a string is what a request carried (a framework's parsed header): a result.
    expect(await outcomeOf(build.verify({ message: DOC_MESSAGE }, Buffer.from(signature2048, 'base64') as never, pem('rsa2048.pub')))).toBe(
      'ERR_NOPS_SIGNATURE_ENCODING',
    );
    expect(await outcomeOf(build.verify({ message: DOC_MESSAGE }, signature2048, null as never))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('checks the signature encoding before the key', async () => {
    expect(await outcomeOf(build.verify({ message: DOC_MESSAGE }, 'not base64!', 'junk'))).toBe('ERR_NOPS_SIGNATURE_ENCODING');
  });

  // README, Errors: "Checks run in this order, so a request with several faults reports the first: options, API key,
  // URL, trailing slash, api_key parameter, (signing) the signed URL's length, date, then (verification) signature
  // encoding, then the key". A request with every fault, fixed one at a time: each answer is the next check's code.
  it('reports the first of several faults, in the documented order, signing and verifying', async () => {
    type Fault = 'option' | 'apiKey' | 'url' | 'slash' | 'param' | 'length' | 'day' | 'encoding' | 'key';
    const n = 8150; // `/` + n + `/` fits as given, with `?api_key=1.x` too; with DOC_KEY appended it does not
    const url = (f: Set<Fault>, ok: string): string =>
      `/${'a'.repeat(f.has('length') ? n : 1)}${f.has('url') ? ' ' : ''}${f.has('slash') ? '' : '/'}${f.has('param') ? '?api_key=1.x' : ok}`;
    const signOrder: Fault[] = ['option', 'apiKey', 'url', 'slash', 'param', 'length', 'day', 'key'];
    const signCodes: string[] = [];
    for (let i = 0; i <= signOrder.length; i++) {
      const f = new Set(signOrder.slice(i));
      const options = {
        apiKey: f.has('apiKey') ? '123' : DOC_KEY,
        date: f.has('day') ? '2022-02-30' : '2022-01-10',
        trailingSlash: 'reject' as const,
        privateKey: f.has('key') ? pem('ec256') : pem('rsa1024'),
        ...(f.has('option') ? { timezone: 'UTC' } : {}),
      };
      signCodes.push(await codeOf(build.sign(url(f, ''), options as never)));
    }
    expect(signCodes).toEqual([
      'ERR_INVALID_ARGUMENT',
      'ERR_NOPS_API_KEY',
      'ERR_TARGET_CHARACTER',
      'ERR_NOPS_TRAILING_SLASH',
      'ERR_NOPS_API_KEY_PARAM',
      'ERR_TARGET_TOO_LONG',
      'ERR_DATE_RANGE',
      'ERR_NOPS_KEY',
      'no error',
    ]);
    const verifyOrder: Fault[] = ['apiKey', 'url', 'slash', 'param', 'day', 'encoding', 'key'];
    const verifyCodes: string[] = [];
    for (let i = 0; i <= verifyOrder.length; i++) {
      const f = new Set(verifyOrder.slice(i));
      const input = {
        url: url(f, `?api_key=${DOC_KEY}`),
        apiKey: f.has('apiKey') ? '123' : DOC_KEY,
        date: f.has('day') ? '2022-02-30' : '2022-01-10',
      };
      const signature = f.has('encoding')
        ? 'not base64!'
        : opensslSign(keyPath('rsa1024'), Buffer.from(`123.2022-01-10./a/?api_key=${DOC_KEY}`));
      verifyCodes.push(await outcomeOf(build.verify(input, signature, f.has('key') ? pem('ec256.pub') : pem('rsa1024.pub'))));
    }
    expect(verifyCodes).toEqual([
      'ERR_NOPS_API_KEY',
      'ERR_TARGET_CHARACTER',
      'ERR_NOPS_TRAILING_SLASH',
      'ERR_NOPS_API_KEY_PARAM',
      'ERR_DATE_RANGE',
      'ERR_NOPS_SIGNATURE_ENCODING',
      'ERR_NOPS_KEY',
      'valid',
    ]);
  });

  // docs/spec/nops.md, Verification, step 5: "for an instant, ERR_DATE_RANGE (outside 0000-9999), ERR_TIME_ZONE, then
  // ERR_DATE_RANGE (its day in the zone outside 0000-9999)"; the signer takes the day by the same rule.
  it('reads an instant in order: its range, then the zone, then the range of its day in the zone', async () => {
    const url = `/nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`;
    const cases: Array<[date: Date, timeZone: string, code: string]> = [
      [new Date('+010000-01-01T00:00:00Z'), 'Bogus/Zone', 'ERR_DATE_RANGE'], // the instant: before the zone is read
      [new Date('-000001-12-31T23:59:59.999Z'), 'Bogus/Zone', 'ERR_DATE_RANGE'],
      [new Date(Number.NaN), 'Bogus/Zone', 'ERR_DATE_RANGE'],
      [new Date('2022-01-10T12:00:00Z'), 'Bogus/Zone', 'ERR_TIME_ZONE'],
      [new Date('9999-12-31T23:00:00Z'), 'Pacific/Kiritimati', 'ERR_DATE_RANGE'], // in range at UTC, 10000-01-01 there
      [new Date('0000-01-01T11:30:00Z'), 'Etc/GMT+12', 'ERR_DATE_RANGE'], // -0001-12-31 at UTC-12
    ];
    for (const [date, timeZone, code] of cases) {
      const what = `${date.getTime()} ${timeZone}`;
      expect(await outcomeOf(build.verify({ url, apiKey: DOC_KEY, date, timeZone }, signature2048, pem('rsa2048.pub'))), what).toBe(code);
      expect(await codeOf(build.sign('/p/', { apiKey: DOC_KEY, privateKey: pem('rsa1024'), date, timeZone })), what).toBe(code);
    }
    // The edges themselves are days: 9999-12-31 at UTC+14 and 0000-01-01 at UTC-12.
    const edges: Array<[Date, string, string]> = [
      [new Date('9999-12-31T09:59:59Z'), 'Pacific/Kiritimati', '9999-12-31'],
      [new Date('0000-01-01T12:00:00Z'), 'Etc/GMT+12', '0000-01-01'],
    ];
    for (const [date, timeZone, day] of edges) {
      expect(build.buildMessage('/p/', { apiKey: DOC_KEY, date, timeZone }).message).toBe(`123.${day}./p/?api_key=${DOC_KEY}`);
    }
  });
});
