import { describe, expect, it } from 'vitest';
import { stageOf } from '@reqsign/canonical';

describe('stageOf', () => {
  it('leaves out absent values and marks where each later one first differs from the first', () => {
    expect(
      stageOf('target', [
        ['received', '/api/x'],
        ['client', null],
        ['signed', '/app/api/x'],
        ['same', '/api/x'],
        ['longer', '/api/x?y'],
      ]),
    ).toEqual({
      name: 'target',
      values: [
        { who: 'received', text: '/api/x', differsAt: -1 },
        { who: 'signed', text: '/app/api/x', differsAt: 3 },
        { who: 'same', text: '/api/x', differsAt: -1 },
        { who: 'longer', text: '/api/x?y', differsAt: 6 },
      ],
    });
    expect(stageOf('empty', [['a', null]])).toEqual({ name: 'empty', values: [] });
  });
});
