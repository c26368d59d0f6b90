import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDifference, percentDecodedBytes, removeDotSegments } from '@reqsign/canonical';

describe('removeDotSegments', () => {
  it('resolves the paths of RFC 3986 5.2.4 and 5.4', () => {
    const cases: Array<[string, string]> = [
      ['/a/b/c/./../../g', '/a/g'],
      ['mid/content=5/../6', 'mid/6'],
      ['/b/c/./g', '/b/c/g'],
      ['/b/c/g/.', '/b/c/g/'],
      ['/b/c/..', '/b/'],
      ['/b/c/../..', '/'],
      ['/../g', '/g'],
      ['/./g', '/g'],
      ['/g.', '/g.'],
      ['/.g', '/.g'],
      ['/g..', '/g..'],
      ['/..g', '/..g'],
      ['/b/c/./../g', '/b/g'],
      ['/b/c/g;x=1/./y', '/b/c/g;x=1/y'],
      ['/b/c/g;x=1/../y', '/b/c/y'],
      ['', ''],
      ['/', '/'],
      ['//a/../b', '//b'],
    ];
    for (const [input, output] of cases) expect(removeDotSegments(input), input).toBe(output);
  });

  it('agrees with WHATWG URL on absolute paths of a, /, and dots', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\/(a|\.|\.\.|b\.|)){1,8}$/), (path) => {
        expect(removeDotSegments(path)).toBe(new URL(`http://h${path}`).pathname);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent and leaves a path without dot segments as it is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\/[a-z.]{0,3}){0,6}$/), (path) => {
        const once = removeDotSegments(path);
        expect(removeDotSegments(once)).toBe(once);
        if (!/(^|\/)\.\.?(\/|$)/.test(path)) expect(once).toBe(path);
      }),
    );
  });
});

describe('percentDecodedBytes and firstDifference', () => {
  it('make spellings of the same bytes equal, and nothing else', () => {
    expect(percentDecodedBytes('/%7euser')).toBe(percentDecodedBytes('/~user'));
    expect(percentDecodedBytes('/%7Euser')).toBe(percentDecodedBytes('/%7euser'));
    expect(percentDecodedBytes('/caf%C3%A9')).toBe(percentDecodedBytes('/café'));
    expect(percentDecodedBytes('/a+b')).not.toBe(percentDecodedBytes('/a%20b'));
    expect(percentDecodedBytes('/%zz')).toBe('/%zz');
  });

  it('finds the first differing UTF-16 unit', () => {
    expect(firstDifference('abc', 'abc')).toBe(-1);
    expect(firstDifference('abc', 'abd')).toBe(2);
    expect(firstDifference('ab', 'abc')).toBe(2);
    expect(firstDifference('', 'x')).toBe(0);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        fc.pre(b !== c);
        const at = firstDifference(a + b, a + c);
        expect(at).toBeGreaterThanOrEqual(a.length);
        expect((a + b).slice(0, at)).toBe((a + c).slice(0, at));
      }),
    );
  });
});
