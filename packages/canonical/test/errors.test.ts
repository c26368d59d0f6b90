import { describe, expect, it } from 'vitest';
import {
  CanonicalError,
  formatDateTime,
  formatDay,
  fromHex,
  parseQuery,
  parseReceivedTarget,
  parseRequestTarget,
  ReqsignError,
  timingSafeEqual,
  toHex,
} from '../src/index.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CanonicalError);
    expect(err).toBeInstanceOf(ReqsignError);
    return (err as CanonicalError).code;
  }
  return undefined;
};

describe('typed errors', () => {
  it('wrong argument types give ERR_INVALID_ARGUMENT naming the argument', () => {
    for (const fn of [
      () => parseRequestTarget(42 as unknown as string),
      () => parseQuery(null as unknown as string),
      () => toHex('ab' as unknown as Uint8Array),
      () => fromHex(1 as unknown as string),
      () => formatDateTime('2015-01-01' as unknown as Date),
      () => timingSafeEqual('a', new Uint8Array(1)),
      () => parseRequestTarget('/p', { maxLength: 0 }),
      () => parseReceivedTarget(42 as unknown as string),
      () => parseReceivedTarget('/p', { maxLength: -1 }),
    ]) {
      expect(codeOf(fn)).toBe('ERR_INVALID_ARGUMENT');
    }
    try {
      parseRequestTarget(42 as unknown as string);
    } catch (err) {
      expect((err as Error).message).toContain('url');
      expect((err as Error).name).toBe('CanonicalError');
    }
  });

  it('invalid dates are ERR_DATE_RANGE, never "Invalid Date" text', () => {
    expect(codeOf(() => formatDateTime(new Date(Number.NaN)))).toBe('ERR_DATE_RANGE');
    expect(codeOf(() => formatDay(Number.POSITIVE_INFINITY))).toBe('ERR_DATE_RANGE');
  });

  it('the default URL length limit is 8192', () => {
    expect(parseRequestTarget(`/${'a'.repeat(8191)}`).target.length).toBe(8192);
    expect(codeOf(() => parseRequestTarget(`/${'a'.repeat(8192)}`))).toBe('ERR_TARGET_TOO_LONG');
  });

  it('messages never echo the input', () => {
    const secretish = '/s3cr3t?token=abcdef0123456789 x';
    try {
      parseRequestTarget(secretish);
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cr3t');
    }
  });
});
