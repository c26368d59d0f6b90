import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionIdentity } from '../src/internal/durable.js';

/**
 * The identity as CLIENT INFO's documentation defines it, read the plain way: split the reply at white space, take
 * each `name=value` token (the name up to the first `=`), the last of a name counting; the three values must be
 * there and not empty.
 */
function reference(text: string): string | undefined {
  const fields = new Map<string, string>();
  for (const token of text.trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const parts: string[] = [];
  for (const name of ['id', 'addr', 'laddr']) {
    const value = fields.get(name);
    if (value === undefined || value === '') return undefined;
    parts.push(`${name}=${value}`);
  }
  return parts.join(' ');
}

const REAL =
  'id=7 addr=127.0.0.1:43512 laddr=127.0.0.1:6379 fd=8 name= age=12 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 ' +
  'qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=22426 events=r cmd=client|info user=default redir=-1 resp=3\n';

describe('connectionIdentity (who answered CLIENT INFO, for durable batches)', () => {
  it('reads id, addr and laddr of a real reply, as a string, bytes or a String object', () => {
    const identity = 'id=7 addr=127.0.0.1:43512 laddr=127.0.0.1:6379';
    expect(connectionIdentity(REAL)).toBe(identity);
    expect(connectionIdentity(new TextEncoder().encode(REAL))).toBe(identity);
    expect(connectionIdentity(new String(REAL))).toBe(identity);
    expect(connectionIdentity(null)).toBeUndefined();
    expect(connectionIdentity(7)).toBeUndefined();
    expect(connectionIdentity(REAL.replace('laddr=127.0.0.1:6379', 'laddr='))).toBeUndefined();
    expect(connectionIdentity(REAL.replace(' addr=', ' xaddr='))).toBeUndefined();
  });

  it('agrees with the plain reading on any text: tokens of these names and others, any white space, = in values (property)', () => {
    const space = fc.constantFrom(
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      '\v',
      '\f',
      '\u00a0',
      '\u1680',
      '\u2000',
      '\u200a',
      '\u2028',
      '\u2029',
      '\u202f',
      '\u205f',
      '\u3000',
      '\ufeff',
    );
    const name = fc.constantFrom('id', 'addr', 'laddr', 'xid', 'ids', 'ad', 'name', '', 'Id', 'l', 'laddrx');
    const value = fc.oneof(
      fc.constantFrom('', '7', '127.0.0.1:6379', '=', 'a=b', 'id=9', '\u0085', '\u180e'),
      fc.string({ unit: fc.constantFrom('a', '1', ':', '=', '.', '\u0085', 'é') }),
    );
    const token = fc.oneof(
      fc.tuple(name, value).map(([n, v]) => `${n}=${v}`),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    const reply = fc
      .tuple(fc.array(fc.tuple(space, token), { maxLength: 12 }), space, fc.boolean())
      .map(([tokens, end, lead]) => (lead ? '' : ' ') + tokens.map(([s, t]) => `${t}${s}`).join('') + end);
    fc.assert(
      fc.property(fc.oneof(reply, fc.string({ unit: 'binary' })), (text) => {
        expect(connectionIdentity(text)).toBe(reference(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
