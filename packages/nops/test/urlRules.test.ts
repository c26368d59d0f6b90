import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../src/index.js';
import { builds, codeOf, DOC_KEY, outcomeOf, pem } from './helpers.js';

// The URL rules of nOps that an independent port (written from the docs alone) found missing: an `api_key` name
// percent-encoded (a server that decodes names sees two keys), a signed URL longer than the verifier's limit, and
// a received `#fragment` (an unsigned tail). Oracles: decodeURIComponent for the names, string lengths counted here.

const HEX = '0123456789abcdef';
/** One spelling of a character: itself, or `%XX` with each hex digit in the case chosen. */
const spelling = (c: string, encode: boolean, upperHi: boolean, upperLo: boolean): string => {
  if (!encode) return c;
  const code = c.charCodeAt(0);
  const hi = HEX[code >> 4]!;
  const lo = HEX[code & 15]!;
  return `%${upperHi ? hi.toUpperCase() : hi}${upperLo ? lo.toUpperCase() : lo}`;
};
/** Every spelling of `api_key` with at least one character percent-encoded. */
const encodedApiKey: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), { minLength: 7, maxLength: 7 })
  .filter((choices) => choices.some(([encode]) => encode))
  .map((choices) => [...'api_key'].map((c, i) => spelling(c, ...choices[i]!)).join(''));

/** Plain query parameters that are no spelling of api_key. */
const otherParam = fc.stringMatching(/^[a-z0-9%]{0,8}(=[a-z0-9%._~-]{0,8})?$/).filter((p) => {
  const name = p.split('=', 1)[0]!;
  try {
    return decodeURIComponent(name) !== 'api_key';
  } catch {
    return true;
  }
});

/** What a server that percent-decodes names reads as the name (null: it cannot decode it). */
const decodedName = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment.split('=', 1)[0]!);
  } catch {
    return null;
  }
};

const PUB = pem('rsa1024.pub');
// Any well-formed signature: the request parts are checked before it.
const SIGNATURE = Buffer.alloc(128, 1).toString('base64');

describe('an api_key parameter whose name is percent-encoded (api%5Fkey)', () => {
  it('the repro: sign refuses /x/?api%5Fkey=1, verify refuses /x/?api%5Fkey=evil&api_key=<key>', async () => {
    for (const apiKeyIn of ['query', 'header'] as const) {
      expect(await codeOf(() => buildMessage('/x/?api%5Fkey=1', { apiKey: '1.a', date: '2022-01-10', apiKeyIn }))).toBe(
        'ERR_NOPS_API_KEY_PARAM',
      );
    }
    for (const [, build] of builds) {
      expect(
        await outcomeOf(build.verify({ url: '/x/?api%5Fkey=evil&api_key=1.a', apiKey: '1.a', date: '2022-01-10' }, SIGNATURE, PUB)),
      ).toBe('ERR_NOPS_API_KEY_PARAM');
      expect(
        await outcomeOf(build.verify({ url: '/x/?api%5Fkey=evil', apiKey: '1.a', date: '2022-01-10', apiKeyIn: 'header' }, SIGNATURE, PUB)),
      ).toBe('ERR_NOPS_API_KEY_PARAM');
    }
  });

  it('every spelling, at every position, with or without a value: the signer and the verifier refuse it', async () => {
    const [, build] = builds[1]!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(otherParam, { maxLength: 4 }),
        fc.nat(),
        encodedApiKey,
        fc.option(fc.stringMatching(/^[a-z0-9]{0,6}$/), { nil: undefined }),
        fc.constantFrom('query' as const, 'header' as const),
        async (others, at, name, value, apiKeyIn) => {
          const params = [...others];
          params.splice(at % (params.length + 1), 0, value === undefined ? name : `${name}=${value}`);
          const query = params.join('&');
          expect(decodedName(name)).toBe('api_key');
          expect(await codeOf(() => buildMessage(`/x/?${query}`, { apiKey: DOC_KEY, date: '2022-01-10', apiKeyIn }))).toBe(
            'ERR_NOPS_API_KEY_PARAM',
          );
          const url = apiKeyIn === 'query' ? `/x/?${query}&api_key=${DOC_KEY}` : `/x/?${query}`;
          expect(await outcomeOf(build.verify({ url, apiKey: DOC_KEY, date: '2022-01-10', apiKeyIn }, SIGNATURE, PUB))).toBe(
            'ERR_NOPS_API_KEY_PARAM',
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a name that decodes to anything else, or not at all (a malformed escape), is an ordinary parameter', async () => {
    const names = [
      'api%5Fkez',
      'api_key%ZZ',
      '%61pi_keyx',
      'api%5key',
      'api%255Fkey',
      'API%5FKEY',
      'api%5F%6Bey%',
      'xapi%5Fkey',
      '%E0%61pi_key',
    ];
    for (const name of names) {
      expect(decodedName(name)).not.toBe('api_key');
      const m = buildMessage(`/x/?${name}=1`, { apiKey: DOC_KEY, date: '2022-01-10' });
      expect(m.target).toBe(`/x/?${name}=1&api_key=${DOC_KEY}`);
    }
    // The same decision as the oracle's for any short query (names of any characters, escapes of any form).
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^(?:[a-z_%0-9A-F]|%[0-9a-fA-F]{2}){0,9}$/), { maxLength: 3 }), (names) => {
        const query = names.join('&');
        const refused = names.some((n) => decodedName(n) === 'api_key');
        expect(outcome(() => buildMessage(`/x/?${query}`, { apiKey: DOC_KEY, date: '2022-01-10' }))).toBe(
          refused ? 'ERR_NOPS_API_KEY_PARAM' : 'ok',
        );
      }),
      { numRuns: 500 },
    );
  });

  it('answers a hostile query of many short names with escapes, malformed or not (a hang bound; speed: npm run bench)', async () => {
    const [, build] = builds[1]!;
    // 8 KiB of names that each look like a spelling of api_key but are not (or are malformed).
    for (const unit of ['%61%70%69%5F%6B%65%7A&', '%61%70%69%5F%6B%65%ZZ&', '%&', 'api%5F&']) {
      const query = unit.repeat(Math.floor(8000 / unit.length));
      const started = performance.now();
      expect(outcome(() => buildMessage(`/x/?${query}`, { apiKey: DOC_KEY, date: '2022-01-10' }))).toBe('ok');
      expect(
        await outcomeOf(build.verify({ url: `/x/?${query}&api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' }, SIGNATURE, PUB)),
      ).toBe('ERR_NOPS_SIGNATURE_INVALID');
      expect(performance.now() - started).toBeLessThan(5_000);
    }
  });
});

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

describe('the signed URL fits the verifier limit (8192 UTF-16 code units, as sent)', () => {
  const options = { apiKey: '1.a', date: '2022-01-10' };
  // `/` + n x `a` + `/` + `?api_key=1.a` (12 units).
  it('the repro: a path of 8185 characters signs to 8199, refused; the boundary is exact', () => {
    expect(outcome(() => buildMessage(`/${'a'.repeat(8185)}/`, options))).toBe('ERR_TARGET_TOO_LONG');
    const fits = buildMessage(`/${'a'.repeat(8192 - 12 - 2)}/`, options);
    expect(fits.url.length).toBe(8192);
    expect(outcome(() => buildMessage(`/${'a'.repeat(8192 - 12 - 1)}/`, options))).toBe('ERR_TARGET_TOO_LONG');
    // The added slash counts too.
    expect(buildMessage(`/${'a'.repeat(8192 - 14)}`, options).url.length).toBe(8192);
    expect(outcome(() => buildMessage(`/${'a'.repeat(8192 - 13)}`, options))).toBe('ERR_TARGET_TOO_LONG');
    // Header form appends nothing; an absolute URL's origin counts; the fragment does not.
    expect(buildMessage(`/${'a'.repeat(8190)}/`, { ...options, apiKeyIn: 'header' }).url.length).toBe(8192);
    expect(outcome(() => buildMessage(`/${'a'.repeat(8191)}/`, { ...options, apiKeyIn: 'header' }))).toBe('ERR_TARGET_TOO_LONG');
    // `http://h` + `/` + n x `a` + `/` + 12.
    expect(outcome(() => buildMessage(`http://h/${'a'.repeat(8192 - 22 + 1)}/`, options))).toBe('ERR_TARGET_TOO_LONG');
    expect(buildMessage(`http://h/${'a'.repeat(8192 - 22)}/`, options).url.length).toBe(8192);
    expect(buildMessage(`/${'a'.repeat(8192 - 14)}/#${'f'.repeat(100)}`, options).url.length).toBe(8192 + 101);
  });

  it('non-ASCII counts as sent, percent-encoded (é is %C3%A9, 6 units; a lone surrogate %EF%BF%BD, 9)', () => {
    const options2 = { ...options, apiKeyIn: 'header' as const };
    // `/` + n x %C3%A9 + `/`: 6n + 2.
    expect(outcome(() => buildMessage(`/${'é'.repeat(8000)}/`, options))).toBe('ERR_TARGET_TOO_LONG');
    expect(buildMessage(`/${'é'.repeat(1365)}/`, options2).url.length).toBe(8192);
    expect(outcome(() => buildMessage(`/${'é'.repeat(1365)}/x`, options2))).toBe('ERR_TARGET_TOO_LONG');
    expect(buildMessage(`/${'\ud800'.repeat(910)}/`, options2).url.length).toBe(8192);
    expect(outcome(() => buildMessage(`/${'\ud800'.repeat(910)}x/`, options2))).toBe('ERR_TARGET_TOO_LONG');
  });

  it('whatever sign returns, its URL is at most 8192 units before the fragment (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'http://example.com'),
        fc.integer({ min: 8150, max: 8200 }),
        fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[\u0000-\u0020\u007f#?&]/g, 'x')),
        fc.constantFrom('query' as const, 'header' as const),
        (origin, n, tail, apiKeyIn) => {
          const url = `${origin}/${'a'.repeat(Math.max(0, n - tail.length))}${tail}/`;
          const sent = encodeURI(url).length; // an independent encoder, as fetch sends it (no % in the input)
          const withKey = sent + (apiKeyIn === 'query' ? '?api_key=1.a'.length : 0);
          if (url.length > 8192) return;
          const r = outcome(() => buildMessage(url, { ...options, apiKeyIn }));
          if (/[\ud800-\udfff]/.test(tail)) return; // encodeURI throws on lone surrogates; checked above
          expect(r).toBe(withKey <= 8192 ? 'ok' : 'ERR_TARGET_TOO_LONG');
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe.each(builds)('a #fragment in a received URL (%s)', (_name, build) => {
  it('is an unsigned tail: the signature of what precedes it does not verify the request (valid: false)', async () => {
    const priv = pem('rsa1024');
    for (const apiKeyIn of ['query', 'header'] as const) {
      const s = await build.sign('/nops_api/v1/billingGetTotal/', { apiKey: DOC_KEY, date: '2022-01-10', apiKeyIn, privateKey: priv });
      const parts = { apiKey: DOC_KEY, date: '2022-01-10', apiKeyIn };
      expect(await outcomeOf(build.verify({ ...parts, url: s.url }, s.signature, PUB))).toBe('valid');
      for (const tail of ['#frag', '#', '#&admin=1']) {
        expect(await outcomeOf(build.verify({ ...parts, url: s.url + tail }, s.signature, PUB))).toBe('ERR_NOPS_SIGNATURE_INVALID');
        // Absolute form too; the key and the signature's encoding are still checked first.
        expect(await outcomeOf(build.verify({ ...parts, url: `https://h${s.url}${tail}` }, s.signature, PUB))).toBe(
          'ERR_NOPS_SIGNATURE_INVALID',
        );
        expect(await outcomeOf(build.verify({ ...parts, url: s.url + tail }, `${s.signature}\n`, PUB))).toBe('ERR_NOPS_SIGNATURE_ENCODING');
        expect(await outcomeOf(build.verify({ ...parts, url: s.url + tail }, s.signature, pem('ec256.pub')))).toBe('ERR_NOPS_KEY');
      }
    }
  });
});
