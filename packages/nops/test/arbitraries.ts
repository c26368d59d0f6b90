import fc from 'fast-check';

// Characters a request target may hold as given: visible ASCII except # and ?, plus any non-ASCII.
const pathChar = fc.oneof(
  fc.constantFrom(...'abcxyzABZ0189-._~!$&\'()*+,;=:@%/"<>{}|^`\\'.split('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !/[\u0000-\u0020\u007f#?]/.test(c)),
);
const queryChar = fc.oneof(pathChar, fc.constant('?'));

export const path: fc.Arbitrary<string> = fc
  .array(fc.string({ unit: pathChar, maxLength: 8 }), { minLength: 0, maxLength: 4 })
  .chain((segments) => fc.boolean().map((slash) => `/${segments.join('/')}${slash ? '/' : ''}`))
  .filter((p) => !p.startsWith('//'));

export const query: fc.Arbitrary<string | null> = fc.option(
  fc.string({ unit: queryChar, maxLength: 20 }).filter((q) => !/(^|&)api_key(=|&|$)/.test(q)),
);

export const url: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('', 'https://app.nops.io', 'http://localhost:8000'), path, query)
  .map(([origin, p, q]) => origin + p + (q === null ? '' : `?${q}`));

export const apiKey: fc.Arbitrary<string> = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9_~-]{1,8}$/), fc.stringMatching(/^[A-Za-z0-9._~-]{0,32}$/))
  .map(([id, rest]) => `${id}.${rest}`);

export const date: fc.Arbitrary<Date> = fc.date({
  min: new Date(Date.UTC(1970, 0, 1)),
  max: new Date(Date.UTC(2200, 0, 1)),
  noInvalidDate: true,
});
export const timeZone: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'UTC',
  'America/New_York',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
);
export const apiKeyIn: fc.Arbitrary<'query' | 'header'> = fc.constantFrom('query', 'header');
