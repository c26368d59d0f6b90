/** Inputs for the fuzz suite: hostile values of every JavaScript kind, and near-valid ones that reach deep code. */
import fc from 'fast-check';

/** What a caller can pass that is not what a parameter wants: every kind of value, odd objects included. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withObjectString: true,
  }),
  fc.constantFrom<unknown>(
    undefined,
    null,
    Symbol('fuzz'),
    () => 'x',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    2 ** 53,
    new Date(Number.NaN),
    Object.create(null),
    [],
    [[]],
    new Uint8Array(3),
    new ArrayBuffer(2),
    new Map([['a', 'b']]),
    { toString: () => '/p' },
    { length: 1e9 },
  ),
);

/** `valid` most of the time, anything else the rest: deep enough to pass the first checks, hostile enough to matter. */
export function near<T>(valid: fc.Arbitrary<T>, weight = 3): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight }, { arbitrary: hostile, weight: 1 });
}

/** The pieces a hostile URL is made of: separators, escapes good and bad, auth parameter names, odd code points. */
const URL_PIECES = [
  '/',
  '//',
  '?',
  '&',
  '=',
  '#',
  '%',
  '%2',
  '%zz',
  '%41',
  '%00',
  '+',
  '@',
  ':',
  ';',
  ' ',
  '\t',
  '\u0000',
  '\u007f',
  '\ud800',
  '\udc00',
  'é',
  '\u{1F600}',
  'a',
  'Z',
  '9',
  'auth',
  'authkeyid',
  'authsignature',
  'authdate',
  'authexpires',
  'authnonce',
  'authalgorithm',
  'auth%6Beyid',
  'api_key',
  'http://',
  'https://',
  'HTTP://',
  'ftp://',
  'h.example',
  '..',
  '.',
  '-',
  '~',
  '2015-04-20T123456Z',
  'nog-v1',
  '0123456789',
];

/**
 * A UTF-16 unit outside ASCII whose low byte is an ASCII digit, letter or separator (U+0141 ends in `A`, U+0126 in
 * `&`; high bytes 0xD8-0xDF make lone surrogates): what a decoder that reads one byte of each unit takes for ASCII.
 */
export const lowByteTwin: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...'AQgwN09+/=-_&?#%.: \n'), fc.integer({ min: 1, max: 255 }))
  .map(([c, high]) => String.fromCharCode((high << 8) | c.charCodeAt(0)));

/** Replaces, inserts or appends such twins at any position of a valid string. */
export function twinned(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), lowByteTwin, fc.boolean()), { minLength: 1, maxLength: 3 })).map(([s, edits]) => {
    let out = s;
    for (const [at, c, replace] of edits) {
      const i = out.length === 0 ? 0 : at % (out.length + 1);
      out = out.slice(0, i) + c + out.slice(replace ? i + 1 : i);
    }
    return out;
  });
}

/** A URL-ish string: pieces glued together, or any string at all. */
export const urlish: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 30 }).map((p) => p.join('')), weight: 4 },
  { arbitrary: fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 30 }).map((p) => `/${p.join('')}`), weight: 4 },
  { arbitrary: fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 30 }).map((p) => `https://h.example/${p.join('')}`), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 80 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => `/${s}`), weight: 1 },
  { arbitrary: twinned(fc.constantFrom('/p?x=1&y=2#f', 'https://h.example/a?b')), weight: 1 },
);

/** A string that mostly looks like what an option wants, sometimes anything. */
export const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  urlish,
  twinned(fc.constantFrom('GET', '0123456789abcdef0123', '2015-04-20T123456Z', '123.abc', '/p?x=1')),
);

/**
 * Changes a valid string: a character replaced, inserted or removed, a piece cut, or a piece doubled. What a
 * hostile client does to a signed URL to get past a check.
 */
export function mutate(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(
    fc.nat(),
    fc.nat({ max: 40 }),
    fc.constantFrom(...URL_PIECES),
    fc.constantFrom('replace', 'insert', 'remove', 'cut', 'double'),
  );
  return fc.tuple(valid, fc.array(edit, { minLength: 0, maxLength: 3 })).map(([s, edits]) => {
    let out = s;
    for (const [at, len, piece, kind] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      if (kind === 'replace') out = out.slice(0, i) + piece + out.slice(i + 1);
      else if (kind === 'insert') out = out.slice(0, i) + piece + out.slice(i);
      else if (kind === 'remove') out = out.slice(0, i) + out.slice(i + 1);
      else if (kind === 'cut') out = out.slice(0, i) + out.slice(i + len);
      else out = out.slice(0, i + len) + out.slice(i);
    }
    return out;
  });
}

/** An options object: some of the known option names with near-valid values, and some unknown keys. */
export function options(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const known = fc.record(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, near(v)])), { requiredKeys: [] });
  return near(known, 6);
}

/**
 * What a server can answer a signing client: any status a client reads (200, the 401/403 that may blame the date, the
 * 503 that may be retried, others), a `Date` of every form (the IMF date, the obsolete forms, far past and future, text),
 * a `Retry-After` of every form, a body that names an auth code or is anything. A function: each call a new Response.
 * No answer asks for a wait a fuzz run would notice: the clients under fuzz retry with `maxDelayMs: 0`.
 */
export const serverAnswers: fc.Arbitrary<() => Response> = fc
  .record({
    status: fc.constantFrom(200, 204, 401, 403, 429, 500, 503),
    date: fc.option(
      fc.oneof(
        fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toUTCString())),
        fc.constantFrom('Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994', 'Thu, 01 Jan 1970 00:00:00 GMT', ''),
        text,
      ),
    ),
    retryAfter: fc.option(fc.oneof(fc.constantFrom('0', '1', '-1', '1.5', '', '99999999999'), fc.nat().map(String), text)),
    body: fc.oneof(fc.constantFrom('{"code":"ERR_AUTH_DATE_FUTURE"}', '{"code":"ERR_AUTH_SIG_EXPIRED"}', '{"code":1}', '{', ''), text),
  })
  .map(({ status, date, retryAfter, body }) => () => {
    const headers = new Headers();
    // A header value Headers refuses (a control character) is a server that sends none.
    try {
      if (date !== null) headers.set('date', date);
      if (retryAfter !== null) headers.set('retry-after', retryAfter);
    } catch {}
    return new Response(status === 204 ? null : body, { status, headers });
  });

/**
 * Options near what works, for an entry whose deep code runs only when every option passes (a client that sends a
 * request): mostly a whole valid object (each optional name present or not), then a valid object with one option made
 * hostile or one unknown name added (each refusal, one at a time), now and then anything {@link options} draws from
 * `wide` (each option near-valid, hostile objects).
 */
export function nearValidOptions(
  required: Record<string, fc.Arbitrary<unknown>>,
  optional: Record<string, fc.Arbitrary<unknown>>,
  wide: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<unknown> {
  const valid = fc.record({ ...required, ...optional }, { requiredKeys: Object.keys(required) as never[] });
  const names = [...Object.keys(required), ...Object.keys(optional)];
  // An unknown name: any string, or a known one misspelt (what a did-you-mean answers).
  const unknown = fc
    .oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(...names).map((n) => `${n}s`),
      fc.constantFrom(...names).map((n) => n.toUpperCase()),
    )
    .filter((n) => !names.includes(n));
  const oneWrong = fc
    .tuple(valid, fc.constantFrom(...names, ''), unknown, fc.oneof(hostile, fc.string({ maxLength: 12 })))
    .map(([o, name, other, bad]) => ({ ...(o as object), [name === '' ? other : name]: bad }));
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: oneWrong, weight: 2 }, { arbitrary: options(wide), weight: 1 });
}

/**
 * The fetch option of a signing client: mostly a server that answers anything {@link serverAnswers} draws, sometimes a
 * plain 200, or a function that returns anything (no Response).
 */
export const clientFetch: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: serverAnswers.map((answer) => async () => answer()), weight: 8 },
  { arbitrary: fc.constant(async () => new Response('ok')), weight: 1 },
  { arbitrary: fc.func(hostile), weight: 1 },
);

/**
 * The `retryOn503` entry of a scheme: its strategy for a 503, made from any options and asked about any answer and
 * count of sends. A wait it starts ends at once: the signal is aborted with the scheme's error (what a caller's abort
 * rejects with is its reason).
 */
export function retryOn503Entry(
  retryOn503: (options?: never) => (response: Response, sends: number, signal: AbortSignal) => unknown,
  abortReason: () => unknown,
): { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown } {
  return {
    args: fc.tuple(
      options({
        attempts: fc.integer({ min: -1, max: 11 }),
        maxDelayMs: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(2 ** 31)),
      }),
      serverAnswers,
      fc.integer({ min: 0, max: 12 }),
    ),
    call: (o, answer, sends) => {
      const strategy = retryOn503(o as never);
      const controller = new AbortController();
      const pending = strategy((answer as () => Response)(), sends as number, controller.signal);
      controller.abort(abortReason());
      return pending;
    },
  };
}
