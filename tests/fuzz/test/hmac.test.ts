import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalError, ReqsignError } from '@reqsign/canonical';
import * as nodeHmac from '@reqsign/hmac';
import * as webHmac from '@reqsign/hmac/webcrypto';
import { describe, expect, it } from 'vitest';
import { hostile, near, text } from './arbitraries.js';
import { expectClean, fuzz, unfuzzedExports } from './harness.js';

class SchemeError extends ReqsignError<'ERR_INVALID_ARGUMENT' | 'ERR_CRYPTO_UNAVAILABLE'> {}
const SECRET = 'a secret the fuzz run keys with, never in a message';
/** An error class as a scheme passes it, or what no scheme should (refused with ERR_INVALID_ARGUMENT). */
const errorClass = fc.oneof(
  { arbitrary: fc.constantFrom(undefined, CanonicalError, SchemeError), weight: 4 },
  { arbitrary: hostile.filter((v) => typeof v !== 'function' && v !== undefined), weight: 1 },
);
const secret = near(fc.oneof(fc.constant(SECRET), fc.constant(''), text, fc.string({ unit: 'binary', minLength: 60, maxLength: 200 })));
const data = near(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 3000 })));
const bytes = near(fc.uint8Array({ maxLength: 70_000 }).map((b) => new Uint8Array(b.length)));

/** node:crypto's own createHmac over the UTF-8 bytes, the value every path must give. */
const expected = (s: string, d: string): string =>
  createHmac('sha256', Buffer.from(s, 'utf8')).update(Buffer.from(d, 'utf8')).digest('hex');

for (const [name, hmac] of [
  ['node', nodeHmac],
  ['webcrypto', webHmac],
] as const) {
  /** One entry per exported function: its arguments, the call, and the check of what it returned. */
  const ENTRIES: Record<
    string,
    { args: fc.Arbitrary<unknown[]>; call: (...a: unknown[]) => unknown; check?: (v: unknown, input: readonly unknown[]) => void }
  > = {
    createHmacProvider: {
      args: fc.tuple(errorClass, secret, data, bytes),
      call: async (Err, s, d, b) => {
        const provider = hmac.createHmacProvider(Err as never);
        const mac = await provider.hmacHex(s as string, d as string);
        provider.randomFill(b as Uint8Array);
        return mac;
      },
      check: (mac, [, s, d]) => expect(mac).toBe(expected(s as string, d as string)),
    },
  };

  describe(`@reqsign/hmac (${name})`, () => {
    it('has an entry for every exported function', () => {
      expect(unfuzzedExports(hmac, Object.keys(ENTRIES))).toEqual([]);
    });

    for (const [entry, { args, call, check }] of Object.entries(ENTRIES)) {
      it(`${entry}: answers the MAC createHmac gives, or fails with a typed error that carries no secret, for any input`, async () => {
        expectClean(await fuzz(`hmac(${name}).${entry}`, args, call, { secrets: [SECRET], check }));
      });
    }
  });
}
