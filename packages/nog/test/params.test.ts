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
      'auth%6beyi%64',
      '%61%75%74%68%64%61%74%65',
      'auth%6Beyid%',
      'auth%6Beyid%zz',
      'auth%zz',
      'auth%C3%A9',
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
  // Up to 40 segments: past the 16 read by hand, the regular expressions read the rest.
  const query = fc.array(piece, { maxLength: 40 }).map((a) => a.join('&'));

  // Long queries with each auth parameter at most once (the query above repeats one in nearly every long draw):
  // filler segments, and some of the six, with values or without, at any place, sometimes one spelled encoded.
  const filler = fc.constantFrom('x=1', '', '=', '%', 'a%6B', 'auth%zz', 'authfoo=1', 'AuthKeyId=y', '+', 'a', 'auth', 'authx=');
  const authPiece = fc
    .constantFrom(...AUTH_PARAMETERS)
    .chain((name) => fc.constantFrom(name, `${name}=v`, `${name}=`, name === 'authkeyid' ? 'auth%6Beyid=k' : `${name}=w`));
  const longQuery = fc
    .tuple(
      fc.array(filler, { minLength: 10, maxLength: 40 }),
      fc.uniqueArray(authPiece, { selector: (p) => p.replace(/=.*/, '').replace('auth%6Beyid', 'authkeyid'), maxLength: 6 }),
      fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
      fc.boolean(),
    )
    .map(([fill, auth, places, suffix]) => {
      const out = [...fill];
      // As a signer writes them (a suffix), or anywhere.
      for (const [i, p] of auth.entries()) {
        if (suffix) out.push(p);
        else out.splice(places[i]! % (out.length + 1), 0, p);
      }
      return out.join('&');
    });

  it('agrees with splitting at every & and = (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('/p', '/a/b', '/'), fc.oneof(query, longQuery), (path, q) => {
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

  // Targets shaped as a signer makes them (the auth parameters last, in the signer's order: what a fast path for
  // them must read exactly as any other target), and near misses of that shape: a client query that holds an auth name, plain, encoded or
  // as a prefix of a longer name; values with `=`, `%` and `auth` in them; a parameter left out, repeated or
  // without `=`; a segment after the signature; a client query longer than the fast path's window.
  const value = fc.string({ unit: fc.constantFrom('a', 'u', 't', 'h', '=', '%', '6', 'B', '0', 'f', '-', '~', '?', '/'), maxLength: 16 });
  const clientSegment = fc.oneof(
    fc.constantFrom(
      'x=1',
      '',
      '=',
      '%',
      'a%6B',
      'auth',
      'authx=1',
      'author=z',
      'auth%6Beyid=k',
      '%61uthnonce=n',
      'authkeyid=k',
      'a'.repeat(600),
    ),
    fc.string({ unit: fc.constantFrom('a', 'u', 't', 'h', '=', '%', 'x', '1'), maxLength: 10 }),
  );
  const signedShape = fc
    .record({
      client: fc.option(fc.array(clientSegment, { maxLength: 4 }), { nil: undefined }),
      values: fc.array(value, { minLength: 6, maxLength: 6 }),
      present: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      bare: fc.nat({ max: 12 }),
      repeat: fc.nat({ max: 12 }),
      after: fc.option(fc.constantFrom('x=1', 'authnonce=n', ''), { nil: undefined }),
    })
    .map(({ client, values, present, bare, repeat, after }) => {
      const auth: string[] = [];
      for (const [i, name] of AUTH_PARAMETERS.entries()) {
        // Mostly all six, as a signer sends them.
        if (!present[i] && i === bare % 6 && bare > 6) continue;
        auth.push(i === bare ? name : `${name}=${values[i]}`);
        if (i === repeat) auth.push(`${name}=${values[i]}`);
      }
      if (after !== undefined) auth.push(after);
      return client === undefined ? auth.join('&') : [...client, ...auth].join('&');
    });

  it('reads targets of the signer shape, and its near misses, as splitting at every & and = does (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('/p', '/a/b'), signedShape, (path, q) => {
        const target = `${path}?${q}`;
        const got = readAuthParams(target, path.length);
        const want = model(q);
        if (want === null) {
          expect(got).toBeNull();
          return;
        }
        expect(got).not.toBeNull();
        for (const slot of Object.values(SLOTS)) expect(got![slot]).toBe(want.values[slot]);
        if (want.signatureLast) expect(target.slice(got!.signatureAmp)).toMatch(/^&authsignature(=|$)/);
        else expect(got!.signatureAmp).toBe(-1);
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

describe('readAuthParams cost', () => {
  it('reads a URL full of malformed escapes without decodeURIComponent (no exception per parameter)', () => {
    // A URIError thrown and caught for each of 5,450 names cost 900x a plain URL of the same length; the names are
    // now decoded by hand, at most 13 characters each. Counting the calls is the deterministic proxy for that cost.
    const original = globalThis.decodeURIComponent;
    let calls = 0;
    globalThis.decodeURIComponent = (s: string) => {
      calls++;
      return original(s);
    };
    try {
      const target = `/p?${'a%&'.repeat(5450)}authkeyid=k`;
      expect(readAuthParams(target, 2)?.keyId).toBe('k');
      expect(readAuthParams(`/p?${'x%&'.repeat(1000)}auth%6Beyid=k`, 2)).toBeNull();
      expect(readAuthParams(`/p?${'%61'.repeat(5000)}&x=1`, 2)?.rest).toBe(`${'%61'.repeat(5000)}&x=1`);
    } finally {
      globalThis.decodeURIComponent = original;
    }
    expect(calls).toBe(0);
  });
});
