import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMountPrefix, replaceQuery, withPrefix, withPrefixInUrl } from '../src/internal/target.js';

describe('mountPrefix handling', () => {
  it('accepts /segment... without a trailing slash, refuses anything else with a typed error', () => {
    expect(checkMountPrefix(undefined)).toBe('');
    expect(checkMountPrefix('')).toBe('');
    expect(checkMountPrefix('/api/v1')).toBe('/api/v1');
    for (const bad of ['api', '/api/', '/a?b', '/a#b', '/a b', '/']) {
      expect(() => checkMountPrefix(bad)).toThrow(expect.objectContaining({ code: 'ERR_OPTION_RANGE' }));
    }
    expect(() => checkMountPrefix(5)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('puts the prefix back; a forwarded bare root may have been /prefix/ or /prefix', () => {
    expect(withPrefix('', '/x?y')).toEqual(['/x?y']);
    expect(withPrefix('/api', '/blobs?x=1')).toEqual(['/api/blobs?x=1']);
    expect(withPrefix('/api', '/')).toEqual(['/api/', '/api']);
    expect(withPrefix('/api', '/?q=1')).toEqual(['/api/?q=1', '/api?q=1']);
  });

  it('in an absolute URL, puts the prefix in front of the path and keeps the rest as it is (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constantFrom('', '/api', '/a/b'), (raw, prefix) => {
        const url = new URL(raw).href;
        const got = withPrefixInUrl(prefix, url);
        const { origin } = new URL(url);
        const rest = url.slice(url.indexOf('/', url.indexOf('//') + 2));
        expect(got).toEqual(withPrefix(prefix, rest).map((t) => origin + t));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('replaceQuery', () => {
  it('swaps the query of a target or absolute URL and drops a fragment', () => {
    expect(replaceQuery('/p?authkeyid=k&x=1', 'x=1')).toBe('/p?x=1');
    expect(replaceQuery('/p?authkeyid=k', null)).toBe('/p');
    expect(replaceQuery('/p?', '')).toBe('/p?');
    expect(replaceQuery('http://h/p?a#f', 'b')).toBe('http://h/p?b');
    expect(replaceQuery('/p', 'x')).toBe('/p?x');
  });
});
