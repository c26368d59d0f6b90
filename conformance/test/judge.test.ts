import { describe, expect, it } from 'vitest';
import { deepEqual, field, judge, optional, type Response } from '../src/index.js';

const output = (o: Record<string, unknown>): Response => ({ type: 'response', id: 'x', output: o });
const error = (code: string): Response => ({ type: 'response', id: 'x', error: { code } });
const unsupported: Response = { type: 'response', id: 'x', unsupported: true };

describe('judge', () => {
  const valid = { result: 'valid', output: { target: '/p?a', stringToSign: 'GET\n/p?a\n', signature: 'ab' } } as const;

  it('passes equal stages and ignores stages the vector does not list', () => {
    expect(judge(valid, output({ signature: 'ab', stringToSign: 'GET\n/p?a\n', target: '/p?a', extra: 1 }))).toEqual({ pass: true });
  });

  it('names the first differing stage in the order the vector lists them', () => {
    expect(judge(valid, output({ target: '/p?a', stringToSign: 'GET\n/p?a', signature: 'cd' }))).toEqual({
      pass: false,
      stage: 'stringToSign',
      expected: 'GET\n/p?a\n',
      actual: 'GET\n/p?a',
    });
    expect(judge(valid, output({ target: '/p?a', stringToSign: 'GET\n/p?a\n', signature: 'cd' }))).toMatchObject({ stage: 'signature' });
    expect(judge(valid, output({}))).toMatchObject({ stage: 'target', actual: undefined });
  });

  it('a valid case answered with an error or unsupported fails at stage result', () => {
    expect(judge(valid, error('ERR_X'))).toEqual({ pass: false, stage: 'result', expected: 'an output', actual: 'ERR_X' });
    expect(judge(valid, unsupported)).toMatchObject({ stage: 'result', actual: 'unsupported' });
  });

  it('an invalid case needs exactly its error code', () => {
    const invalid = { result: 'invalid', error: 'ERR_AUTH_SIG_INVALID' } as const;
    expect(judge(invalid, error('ERR_AUTH_SIG_INVALID'))).toEqual({ pass: true });
    expect(judge(invalid, error('ERR_AUTH_SIG_EXPIRED'))).toMatchObject({ pass: false, stage: 'error' });
    expect(judge(invalid, output({ ok: true }))).toMatchObject({ pass: false, stage: 'result' });
  });

  it('an acceptable case takes one of its errors or its output', () => {
    const acceptable = { result: 'acceptable', output: { ok: true }, errors: ['ERR_A', 'ERR_B'] } as const;
    expect(judge(acceptable, error('ERR_B'))).toEqual({ pass: true });
    expect(judge(acceptable, error('ERR_C'))).toMatchObject({ pass: false, stage: 'error' });
    expect(judge(acceptable, output({ ok: true }))).toEqual({ pass: true });
    expect(judge(acceptable, output({ ok: false }))).toMatchObject({ pass: false, stage: 'ok' });
    expect(judge({ result: 'acceptable', errors: ['ERR_A'] }, output({ any: 1 }))).toEqual({ pass: true });
  });

  it('deepEqual compares JSON structurally', () => {
    expect(deepEqual([['a', null]], [['a', null]])).toBe(true);
    expect(deepEqual([['a', null]], [['a', '']])).toBe(false);
    expect(deepEqual({ a: 1, b: [1] }, { b: [1], a: 1 })).toBe(true);
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual(1, '1')).toBe(false);
  });
});

describe('field and optional', () => {
  it('refuse an input that is no object with ERR_VECTOR_INPUT (a vector request list holding null), not a TypeError', () => {
    for (const input of [undefined, null, 1, 'x']) {
      expect(() => field(input as never, 'now', 'string')).toThrow(expect.objectContaining({ code: 'ERR_VECTOR_INPUT' }));
      expect(() => optional(input as never, 'now', 'string')).toThrow(expect.objectContaining({ code: 'ERR_VECTOR_INPUT' }));
    }
    expect(optional({ now: null }, 'now', 'string')).toBeUndefined();
    expect(field({ now: 'x' }, 'now', 'string')).toBe('x');
  });
});

describe('judge on what is no response', () => {
  it('fails a case whose response is no object or carries no usable output or error (not a TypeError)', () => {
    const valid = { result: 'valid', output: { target: '/p' } } as const;
    const invalid = { result: 'invalid', error: 'ERR_X' } as const;
    for (const r of [null, 1, 'x', Number.NaN, { type: 'response', id: 'x', error: null }, { type: 'response', id: 'x', output: 'x' }]) {
      expect(judge(valid, r as never)).toMatchObject({ pass: false, stage: 'result' });
      expect(judge(invalid, r as never)).toMatchObject({ pass: false, stage: 'result' });
    }
  });
});
