import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTH_PARAMETERS, readAuthParams, stripAuthParams } from '../src/internal/params.js';

const SLOTS = {
  authalgorithm: 'algorithm',
  authkeyid: 'keyId',
  authdate: 'date',
  authexpires: 'expires',
  authnonce: 'nonce',
  authsignature: 'signature',
} as const;
type Name = keyof typeof SLOTS;
const isAuth = (n: string): n is Name => (AUTH_PARAMETERS as readonly string[]).includes(n);

/** The plain reading: split at every `&`, then at the first `=`; decode names only to spot an encoded auth name. */
function model(query: string) {
  const segments = query.split('&');
  const values: Partial<Record<string, string>> = {};
  for (const seg of segments) {
    const eq = seg.indexOf('=');
    const name = eq === -1 ? seg : seg.slice(0, eq);
    if (isAuth(name)) {
      if (values[SLOTS[name]] !== undefined) return null;
      values[SLOTS[name]] = eq === -1 ? '' : seg.slice(eq + 1);
    } else if (name.includes('%')) {
      let decoded: string | undefined;
      try {
        decoded = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        decoded = undefined;
      }
      if (decoded !== undefined && isAuth(decoded)) return null;
    }
  }
  const last = segments[segments.length - 1]!;
  const signatureLast = segments.length > 1 && (last === 'authsignature' || last.startsWith('authsignature='));
  const kept = segments.filter((seg) => !isAuth(seg.includes('=') ? seg.slice(0, seg.indexOf('=')) : seg));
  return { values, signatureLast, rest: kept.length === 0 ? null : kept.join('&') };
}

describe('readAuthParams', () => {
  const piece = fc.oneof(
    fc.constantFrom(
      ...AUTH_PARAMETERS,
      'authkeyid=k',
      'authdate=2015-04-20T123456Z',
      `authsignature=${'f'.repeat(64)}`,
      'auth%6Beyid',
      'auth%zz',
      'x=1',
      'authfoo=1',
      'AuthKeyId=y',
      '',
      '=',
      '==',
      '%',
      'a%6B',
      '+',
    ),
    fc.string({ unit: fc.constantFrom('a', 'u', 't', 'h', '=', '%', '6', 'B', 'k', 'e', 'y', 'i', 'd', 'x'), maxLength: 12 }),
  );
  const query = fc.array(piece, { maxLength: 12 }).map((a) => a.join('&'));

  it('agrees with splitting at every & and = (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('/p', '/a/b', '/'), query, (path, q) => {
        const target = `${path}?${q}`;
        const got = readAuthParams(target, path.length);
        const want = model(q);
        if (want === null) {
          expect(got).toBeNull();
          return;
        }
        expect(got).not.toBeNull();
        for (const slot of Object.values(SLOTS)) expect(got![slot]).toBe(want.values[slot]);
        // Where the signature starts when it is the last parameter after a `&`: the target before it is what was signed.
        if (want.signatureLast) expect(target.slice(got!.signatureAmp)).toMatch(/^&authsignature(=|$)/);
        else expect(got!.signatureAmp).toBe(-1);
        if (want.signatureLast) expect(target.slice(got!.signatureAmp + 1).includes('&')).toBe(false);
        // The query the application sees: every other segment, raw and in order (null: none, and no `?` of its own).
        expect(got!.rest).toBe(want.rest);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the signer suffix: no query of the client, an empty one, a query before it', () => {
    const suffix = 'authalgorithm=nog-v1&authkeyid=k&authdate=d&authexpires=600&authnonce=n&authsignature=s';
    expect(readAuthParams(`/p?${suffix}`, 2)).toMatchObject({ keyId: 'k', nonce: 'n', rest: null });
    expect(readAuthParams(`/p?&${suffix}`, 2)).toMatchObject({ keyId: 'k', rest: '' });
    expect(readAuthParams(`/p?x=1&${suffix}`, 2)).toMatchObject({ keyId: 'k', rest: 'x=1' });
    expect(readAuthParams(`/p?x=1&${suffix}`, 2)!.signatureAmp).toBe(`/p?x=1&${suffix}`.lastIndexOf('&'));
  });
});

describe('stripAuthParams', () => {
  it('keeps every other segment raw and in order; null when nothing is left', () => {
    expect(stripAuthParams('b=2&authkeyid=k&a=1&authnonce')).toBe('b=2&a=1');
    expect(stripAuthParams('authkeyid=k&authdate=d')).toBeNull();
    expect(stripAuthParams('')).toBe('');
    expect(stripAuthParams('&authkeyid=k')).toBe('');
    expect(stripAuthParams('x=%20&authfoo=1&')).toBe('x=%20&authfoo=1&');
  });
});
