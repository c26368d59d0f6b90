import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiKey, apiKeyIn, date, timeZone, url } from './arbitraries.js';
import { builds, outcomeOf, pem } from './helpers.js';

const keys = [
  ['rsa1024', pem('rsa1024'), pem('rsa1024.pub')],
  ['rsa2048', pem('rsa2048-pkcs1'), pem('rsa2048.pub')],
] as const;
const keyPair = fc.constantFrom(...keys);

describe.each(builds)('properties (%s)', (_name, build) => {
  it('sign then verify succeeds, by message and by request parts', async () => {
    await fc.assert(
      fc.asyncProperty(url, apiKey, date, timeZone, apiKeyIn, keyPair, async (u, k, d, tz, where, [, priv, pub]) => {
        const s = await build.sign(u, { apiKey: k, date: d, timeZone: tz, apiKeyIn: where, privateKey: priv });
        expect(s.message.startsWith(`${k.slice(0, k.indexOf('.'))}.`)).toBe(true);
        expect(s.target).not.toMatch(/[^\u0021-\u007e]/);
        expect(await outcomeOf(build.verify({ message: s.message }, s.signature, pub))).toBe('valid');
        expect(await outcomeOf(build.verify({ url: s.url, apiKey: k, date: d, timeZone: tz, apiKeyIn: where }, s.signature, pub))).toBe(
          'valid',
        );
      }),
      { numRuns: 60 },
    );
  });

  it('any changed byte of the message fails', async () => {
    const decoder = new TextDecoder();
    await fc.assert(
      fc.asyncProperty(url, apiKey, fc.nat(), fc.integer({ min: 1, max: 255 }), keyPair, async (u, k, at, xor, [, priv, pub]) => {
        const s = await build.sign(u, { apiKey: k, date: '2022-01-10', privateKey: priv });
        const bytes = new TextEncoder().encode(s.message);
        bytes[at % bytes.length]! ^= xor;
        const changed = decoder.decode(bytes);
        fc.pre(changed !== s.message);
        expect(await outcomeOf(build.verify({ message: changed }, s.signature, pub))).toBe('ERR_NOPS_SIGNATURE_INVALID');
      }),
      { numRuns: 60 },
    );
  });

  it('any changed byte of the signature fails', async () => {
    await fc.assert(
      fc.asyncProperty(url, apiKey, fc.nat(), fc.integer({ min: 1, max: 255 }), keyPair, async (u, k, at, xor, [, priv, pub]) => {
        const s = await build.sign(u, { apiKey: k, date: '2022-01-10', privateKey: priv });
        const bytes = Buffer.from(s.signature, 'base64');
        bytes[at % bytes.length]! ^= xor;
        expect(await outcomeOf(build.verify({ message: s.message }, bytes.toString('base64'), pub))).toBe('ERR_NOPS_SIGNATURE_INVALID');
      }),
      { numRuns: 60 },
    );
  });

  it('any changed character of the message fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        url,
        apiKey,
        fc.nat(),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        keyPair,
        async (u, k, at, c, [, priv, pub]) => {
          const s = await build.sign(u, { apiKey: k, date: '2022-01-10', privateKey: priv });
          const i = at % s.message.length;
          const changed = s.message.slice(0, i) + c + s.message.slice(i + 1);
          fc.pre(changed !== s.message);
          expect(await outcomeOf(build.verify({ message: changed }, s.signature, pub))).toBe('ERR_NOPS_SIGNATURE_INVALID');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the two builds agree', () => {
  it('on every output of sign and on every error code', async () => {
    const node = builds[0]![1];
    const web = builds[1]![1];
    const outcome = async (p: Promise<unknown>) =>
      p.then(
        (v) => ({ v }),
        (e: { code?: unknown }) => ({ code: e.code }),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(url, fc.string()),
        fc.oneof(apiKey, fc.string()),
        date,
        timeZone,
        apiKeyIn,
        keyPair,
        fc.constantFrom('add', 'reject'),
        async (u, k, d, tz, where, [, priv], slash) => {
          const opts = { apiKey: k, date: d, timeZone: tz, apiKeyIn: where, privateKey: priv, trailingSlash: slash as 'add' | 'reject' };
          expect(await outcome(web.sign(u, opts))).toEqual(await outcome(node.sign(u, opts)));
        },
      ),
      { numRuns: 150 },
    );
  });
});
