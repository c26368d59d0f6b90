import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReceivedTarget, parseRequestTarget, receivedTargetOf } from '../src/index.js';

// WHATWG URL parsers (fetch, browsers, Node's URL) end the authority of an http(s) URL at a `\` as at a `/`: what
// they send is not the host and target read here. The oracle is Node's own WHATWG URL.
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
};

describe('a backslash in the authority of an absolute URL', () => {
  it('the repro: http://h\\p is host h, path /p/ to a WHATWG parser; refused (ERR_TARGET_HOST) to sign and as received', () => {
    const whatwg = new URL('http://h\\p');
    expect([whatwg.host, whatwg.pathname]).toEqual(['h', '/p']);
    for (const url of ['http://h\\p', 'https://h\\p/x?y', 'http://u\\@h/p', 'http://h:80\\/p', 'HTTP://\\h/', 'http://h\\']) {
      expect(codeOf(() => parseRequestTarget(url))).toBe('ERR_TARGET_HOST');
      expect(codeOf(() => parseReceivedTarget(url))).toBe('ERR_TARGET_HOST');
      expect(receivedTargetOf(url)).toBeNull();
    }
  });

  it('in the path, query or fragment it is kept as given, as every other byte (origin form too)', () => {
    expect(parseRequestTarget('http://h/a\\b?c\\d#e\\f')).toMatchObject({ origin: 'http://h', target: '/a\\b?c\\d', fragment: 'e\\f' });
    expect(parseRequestTarget('http://h?\\')).toMatchObject({ origin: 'http://h', target: '/?\\' });
    expect(parseReceivedTarget('/\\h/p').target).toBe('/\\h/p');
  });

  it('at every position of an authority, an absolute URL with a backslash there is refused; WHATWG reads another host', () => {
    const part = fc.stringMatching(/^[a-z0-9.:@-]{0,8}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https', 'HTTPS'),
        part,
        part,
        fc.constantFrom('', '/', '/p', '?q', '/p?q#f'),
        (scheme, a, b, rest) => {
          const url = `${scheme}://${a}\\${b}${rest}`;
          expect(codeOf(() => parseRequestTarget(url))).toBe('ERR_TARGET_HOST');
          expect(codeOf(() => parseReceivedTarget(url))).toBe('ERR_TARGET_HOST');
          expect(receivedTargetOf(url)).toBeNull();
          // Where WHATWG parses it at all, its path starts with what followed the backslash: the authority moved.
          let parsed: URL | undefined;
          try {
            parsed = new URL(url);
          } catch {
            parsed = undefined;
          }
          if (parsed !== undefined) expect(parsed.pathname.startsWith('/')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
