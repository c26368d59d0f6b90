import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalError,
  TARGET_CHANGE_CODES,
  TARGET_CHANGE_TITLES,
  findTargetChange,
  targetVariants,
  type TargetChange,
} from '@reqsign/canonical';

const AUTH = 'authalgorithm=nog-v1&authkeyid=k&authnonce=n~1';
const APPENDED = { appended: ['authalgorithm', 'authkeyid', 'authnonce'] };

describe('targetVariants', () => {
  const variants = (target: string, options = APPENDED) => targetVariants(target, options).map((v) => [v.change, v.target] as const);

  it('undoes each change from what arrived', () => {
    const has = (received: string, change: TargetChange, signed: string, options = APPENDED): void => {
      expect(variants(received, options), `${change}: ${signed}`).toContainEqual([change, signed]);
    };
    has(`/api/%7Euser?${AUTH}`, 'percent-encoding', `/api/%7euser?${AUTH}`);
    has(`/api/%7euser?${AUTH}`, 'percent-encoding', `/api/%7Euser?${AUTH}`);
    has(`/api/%7Euser?${AUTH}`, 'percent-encoding', `/api/~user?${AUTH}`);
    has(`/api/~user?${AUTH}`, 'percent-encoding', `/api/%7Euser?${AUTH}`);
    has(`/api/~user?${AUTH}`, 'percent-encoding', `/api/%7euser?${AUTH}`);
    has(`/api/caf%C3%A9?${AUTH}`, 'percent-encoding', `/api/café?${AUTH}`);
    has(`/api/café?${AUTH}`, 'percent-encoding', `/api/caf%C3%A9?${AUTH}`);
    has(`/s?q=a%20b&${AUTH}`, 'plus-space', `/s?q=a+b&${AUTH}`);
    has(`/s?q=a+b&${AUTH}`, 'plus-space', `/s?q=a%20b&${AUTH}`);
    has(`/a/../b?${AUTH}`, 'dot-segments', `/b?${AUTH}`);
    has(`/api/x?${AUTH}`, 'slashes', `//api/x?${AUTH}`);
    has(`/api/x?${AUTH}`, 'slashes', `/api//x?${AUTH}`);
    has(`/api/x?${AUTH}`, 'mount-prefix', `/app/api/x?${AUTH}`, { ...APPENDED, prefixes: ['/app/'] });
    has(`/api/x?${AUTH}`, 'mount-prefix', `/x?${AUTH}`);
    has(`/api/x?${AUTH}`, 'trailing-slash', `/api/x/?${AUTH}`);
    has(`/api/x/?${AUTH}`, 'trailing-slash', `/api/x?${AUTH}`);
    has(`/p?a=1&b=2&${AUTH}`, 'query-order', `/p?b=2&a=1&${AUTH}`);
    has(`/p?authkeyid=k&a=1&authalgorithm=nog-v1&authnonce=n~1`, 'query-order', `/p?a=1&${AUTH}`);
    has(`/p?${AUTH}`, 'empty-query', `/p?&${AUTH}`);
    has(`/p?&${AUTH}`, 'empty-query', `/p?${AUTH}`);
    has(`/p??${AUTH}`, 'empty-query', `/p?${AUTH}`);
    has('/p/', 'empty-query', '/p/?', {});
    has('/p/?', 'empty-query', '/p/', {});
  });

  it('never repeats a variant or the target itself, and never changes an appended parameter', () => {
    const target = fc
      .tuple(
        fc.stringMatching(/^(\/[a-zA-Z0-9%~.+é-]{0,5}){1,4}$/),
        fc.array(fc.stringMatching(/^[a-z]{1,3}=[a-zA-Z0-9%~+ -]{0,4}$/), { maxLength: 4 }),
      )
      .map(([path, params]) => `${path}?${[...params, AUTH].join('&')}`);
    fc.assert(
      fc.property(target, (t) => {
        const vs = targetVariants(t, APPENDED);
        const targets = vs.map((v) => v.target);
        expect(new Set(targets).size).toBe(targets.length);
        expect(targets).not.toContain(t);
        for (const v of vs) {
          expect(v.code).toBe(TARGET_CHANGE_CODES[v.change]);
          // The auth parameters keep their bytes (the nonce n~1 is never encoded) and, but for the order, their place.
          for (const p of AUTH.split('&'))
            expect(v.target.split('?').slice(1).join('?').split('&'), `${v.change} ${v.target}`).toContain(p);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tries at most maxOrders query orders, all distinct orders of up to six parameters by default', () => {
    const six = `/p?${['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `${n}=1`).join('&')}`;
    expect(targetVariants(six).filter((v) => v.change === 'query-order')).toHaveLength(719);
    expect(targetVariants(six, { maxOrders: 10 }).filter((v) => v.change === 'query-order')).toHaveLength(9);
    expect(targetVariants('/p?a=1&a=1&b=2').filter((v) => v.change === 'query-order')).toHaveLength(2);
  });

  it('checks its arguments', () => {
    expect(() => targetVariants(1 as never)).toThrow(CanonicalError);
    expect(() => targetVariants('/p', { appended: 'a' as never })).toThrow(/appended/);
    expect(() => targetVariants('/p', { prefixes: [1] as never })).toThrow(/prefixes/);
    expect(() => targetVariants('/p', { maxOrders: 0 })).toThrow(/maxOrders/);
    expect(Object.keys(TARGET_CHANGE_TITLES).sort()).toEqual(Object.values(TARGET_CHANGE_CODES).sort());
  });
});

describe('findTargetChange', () => {
  it('names the one change from what the client signed to what arrived', () => {
    const cases: Array<[string, string, TargetChange]> = [
      ['/app/api/x?a=1', '/api/x?a=1', 'mount-prefix'],
      ['/api/v1/../x?a=1', '/api/x?a=1', 'dot-segments'],
      ['/a//b///c', '/a/b/c', 'slashes'],
      ['/a%2fb/%7e', '/a%2Fb/~', 'percent-encoding'],
      ['/p?b=2&a=1', '/p?a=1&b=2', 'query-order'],
      ['/p/?x', '/p?x', 'trailing-slash'],
      ['/s?q=a+b', '/s?q=a%20b', 'plus-space'],
    ];
    for (const [signed, received, change] of cases) expect(findTargetChange(signed, received)?.change, signed).toBe(change);
    expect(findTargetChange('/app/api/x', '/api/x')?.prefix).toBe('/app');
  });

  it('finds nothing for equal targets or for more than one change', () => {
    expect(findTargetChange('/p', '/p')).toBeNull();
    expect(findTargetChange('/app/p?b=1&a=1', '/p?a=1&b=1')).toBeNull();
    expect(findTargetChange('/p', '/q')).toBeNull();
  });

  it('is what targetVariants undoes, for any target and change it can undo', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\/[a-z0-9~]{1,4}){1,3}\/?\?([a-z]=[a-z0-9+]{1,3}&){2}$/), (t) => {
        const received = `${t}${AUTH}`;
        for (const v of targetVariants(received, APPENDED)) {
          const found = findTargetChange(v.target, received, APPENDED);
          expect(found?.target).toBe(v.target);
          expect(found && TARGET_CHANGE_CODES[found.change]).toBe(found?.code);
        }
      }),
      { numRuns: 100 },
    );
  });
});
