import { parseReceivedTarget } from '@reqsign/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTH_PARAMETERS, readAuthParams } from '../src/internal/params.js';
import { DATE_MS, KEY, KEYS, node } from './helpers.js';

/**
 * The verifier's hot path reads an origin-form target itself (instead of canonical's `parseReceivedTarget`), finds the
 * auth parameter names by comparing characters in place, and compares the signature four characters a step. These
 * tests hold each of those to an oracle that is not that code: canonical's parser, and a signature changed at every
 * one of its 64 places.
 */
const NOW = DATE_MS + 60_000;
const signed = node.signSync('GET', '/api/blobs/abc?x=1', KEY, { date: DATE_MS, nonce: false }).url;

describe('the verifier reads a received target as canonical does', () => {
  it('refuses as malformed exactly the targets canonical parseReceivedTarget refuses (property, all of UTF-16)', async () => {
    const q = signed.indexOf('?');
    // One verifier per limit, made once.
    const verifiers = new Map<number, ReturnType<typeof node.createVerifier>>();
    const verifierFor = (maxUrlLength: number) => {
      let v = verifiers.get(maxUrlLength);
      if (v === undefined) {
        v = node.createVerifier({ keys: KEYS, now: () => NOW, maxUrlLength });
        verifiers.set(maxUrlLength, v);
      }
      return v;
    };
    await fc.assert(
      fc.asyncProperty(
        // Text put into the path, where it cannot make an auth parameter: any UTF-16 but `?`, often the characters at
        // the edges of what a request line may hold.
        fc
          .string({
            unit: fc.oneof(
              fc.constantFrom(' ', '\u0000', '\u001f', '!', '~', '\u007f', '\u0080', '#', '\ud800', '\udfff', '\uffff'),
              fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
            ),
            maxLength: 12,
          })
          .map((s) => s.replaceAll('?', '')),
        fc.nat(q),
        // A limit around the URL's length, so that a URL just over it and one just within it are both tried.
        fc.integer({ min: -4, max: 16 }),
        fc.boolean(),
        async (text, at, slack, absolute) => {
          const target = signed.slice(0, at) + text + signed.slice(at);
          const url = absolute ? `https://example.com${target}` : target;
          const maxUrlLength = Math.max(1, signed.length + slack);
          let refused = false;
          try {
            parseReceivedTarget(url, { maxLength: maxUrlLength });
          } catch {
            refused = true;
          }
          const r = await verifierFor(maxUrlLength).verify('GET', url);
          if (refused) expect(r).toMatchObject({ ok: false, code: 'ERR_AUTH_MALFORMED' });
          else expect(r.ok ? 'ok' : r.code).not.toBe('ERR_AUTH_MALFORMED');
          // Nothing added (or only a path of its own, which the signature covers): it verifies, or fails its signature.
          if (!refused && text === '') expect(r.ok).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('takes a received target of control characters, spaces, DEL and lone surrogates as canonical does (each one)', async () => {
    const v = node.createVerifier({ keys: KEYS, now: () => NOW });
    for (let c = 0; c < 0x10000; c += c < 0x100 ? 1 : 0x3ff) {
      const url = `/api/blobs/ab${String.fromCharCode(c)}c${signed.slice('/api/blobs/abc'.length)}`;
      let refused = false;
      try {
        parseReceivedTarget(url, { maxLength: 16384 });
      } catch {
        refused = true;
      }
      const r = await v.verify('GET', url);
      // Refused, or a path of another name (its signature fails), or with `#` a target cut before its query.
      const want = refused ? 'ERR_AUTH_MALFORMED' : c === 0x23 /* # */ ? 'ERR_AUTH_FIELD_MISSING' : 'ERR_AUTH_SIG_INVALID';
      expect([c, r.ok ? 'ok' : r.code]).toEqual([c, want]);
    }
  });
});

describe('the signature comparison', () => {
  it('refuses a signature changed at any one of its 64 places, to any other character', async () => {
    const v = node.createVerifier({ keys: KEYS, now: () => NOW });
    expect((await v.verify('GET', signed)).ok).toBe(true);
    const at = signed.length - 64;
    for (let i = 0; i < 64; i++) {
      const was = signed[at + i]!;
      // Another hex digit, the same digit in upper case (when a letter), a character that is no hex digit, and one
      // whose low byte is the digit's (U+0100 above it): each must fail.
      const others = [
        was === 'f' ? '0' : String.fromCharCode(was.charCodeAt(0) + 1),
        was.toUpperCase(),
        'g',
        String.fromCharCode(0x100 + was.charCodeAt(0)),
      ];
      for (const other of others) {
        if (other === was) continue;
        const url = signed.slice(0, at + i) + other + signed.slice(at + i + 1);
        expect([i, other, (await v.verify('GET', url)).ok]).toEqual([i, other, false]);
      }
    }
  });
});

describe('the auth parameter names, compared in place', () => {
  const slots = ['algorithm', 'keyId', 'date', 'expires', 'nonce', 'signature'] as const;
  it('reads each name exactly: one character changed, one dropped or one added is an ordinary parameter', () => {
    for (const [slot, name] of AUTH_PARAMETERS.entries()) {
      const key = slots[slot]!;
      for (const tail of ['=v', '', '=', '&x=1']) {
        expect(readAuthParams(`/p?${name}${tail}`, 2)![key]).toBe(tail.startsWith('=v') ? 'v' : '');
      }
      const near: string[] = [name.slice(0, -1), `${name}x`, `x${name}`, name.toUpperCase()];
      for (let i = 0; i < name.length; i++) {
        for (const c of [
          'x',
          name[i]!.toUpperCase(),
          String.fromCharCode(name.charCodeAt(i) + 1),
          String.fromCharCode(name.charCodeAt(i) + 0x100),
        ]) {
          if (c !== name[i]) near.push(name.slice(0, i) + c + name.slice(i + 1));
        }
      }
      for (const other of near) {
        for (const tail of ['=v', '']) {
          const read = readAuthParams(`/p?${other}${tail}`, 2)!;
          expect([other, slots.map((s) => read[s])]).toEqual([other, slots.map(() => undefined)]);
          expect(read.rest).toBe(`${other}${tail}`);
        }
      }
    }
  });
});

describe("the auth parameters in the signer's order, and near misses of it, after any query", () => {
  /** An independent reading: split at every `&`, the name up to the first `=` (no `%` is generated). */
  function model(query: string) {
    const values: Record<string, string> = {};
    const kept: string[] = [];
    const segments = query.split('&');
    for (const seg of segments) {
      const eq = seg.indexOf('=');
      const name = eq === -1 ? seg : seg.slice(0, eq);
      if (!(AUTH_PARAMETERS as readonly string[]).includes(name)) {
        kept.push(seg);
        continue;
      }
      if (name in values) return null;
      values[name] = eq === -1 ? '' : seg.slice(eq + 1);
    }
    const last = segments[segments.length - 1]!;
    const signatureLast = segments.length > 1 && (last === 'authsignature' || last.startsWith('authsignature='));
    return { values, signatureLast, rest: kept.length === 0 ? null : kept.join('&') };
  }
  const value = fc.string({ unit: fc.constantFrom('a', '0', '=', '?', '-', 'T', 'Z', 'u', 't', 'h', 'auth'), maxLength: 8 });
  const filler = fc.oneof(fc.constantFrom('', 'x=1', '=', '?', 'auth', 'xauthkeyid=1', 'a=auth', '?authalgorithm=x', 'authfoo'), value);
  // The signer's order, each name sometimes changed (dropped `=`, a near name, a repeat, two swapped).
  const suffix = fc
    .tuple(
      fc.tuple(
        fc.oneof(fc.constant('nog-v1'), value),
        value,
        // Dates of the signer's shape (any digits), near it, or anything.
        fc.oneof(
          fc.constantFrom('2015-04-20T123456Z', '2015-04-20T12345Z', '2015-04-20t123456Z', '2015-04-20T123456Z0'),
          fc
            .tuple(fc.nat(9999), fc.nat(99), fc.nat(99), fc.nat(999999))
            .map(
              ([y, m, d, t]) =>
                `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(t).padStart(6, '0')}Z`,
            ),
          value,
        ),
        value,
        value,
        value,
      ),
      fc.boolean(),
      fc.constantFrom('none', 'no-eq', 'near', 'repeat', 'swap'),
      fc.nat(5),
    )
    .map(([[a, k, d, e, n, s], withNonce, change, which]) => {
      const parts: Array<[string, string]> = [
        ['authalgorithm', a],
        ['authkeyid', k],
        ['authdate', d],
        ['authexpires', e],
        ...(withNonce ? [['authnonce', n] as [string, string]] : []),
        ['authsignature', s],
      ];
      const i = which % parts.length;
      const segs = parts.map(([name, v]) => `${name}=${v}`);
      if (change === 'no-eq') segs[i] = parts[i]![0];
      if (change === 'near') segs[i] = `${parts[i]![0]}x=${parts[i]![1]}`;
      if (change === 'repeat') segs.splice(i, 0, segs[i]!);
      if (change === 'swap' && i > 0) [segs[i - 1], segs[i]] = [segs[i]!, segs[i - 1]!];
      return segs.join('&');
    });

  it('reads what splitting at every & and = reads (property)', () => {
    fc.assert(
      // The suffix after a `&`, or glued to a `?` in the text before it (a `?` in a query is text, no separator).
      fc.property(fc.array(filler, { maxLength: 5 }), suffix, fc.constantFrom('&', '?'), (prefix, tail, glue) => {
        const query = prefix.length === 0 ? tail : `${prefix.join('&')}${glue}${tail}`;
        const target = `/p?${query}`;
        const got = readAuthParams(target, 2);
        const want = model(query);
        if (want === null) {
          expect(got).toBeNull();
          return;
        }
        expect(got).not.toBeNull();
        const slots = ['algorithm', 'keyId', 'date', 'expires', 'nonce', 'signature'] as const;
        expect(slots.map((s) => got![s])).toEqual(AUTH_PARAMETERS.map((name) => want.values[name]));
        expect(got!.rest).toBe(want.rest);
        if (want.signatureLast) expect(target.slice(got!.signatureAmp)).toMatch(/^&authsignature(=|$)/);
        else expect(got!.signatureAmp).toBe(-1);
      }),
      { numRuns: 500 },
    );
  });
});
