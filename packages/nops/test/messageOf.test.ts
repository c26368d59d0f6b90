import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageOf } from '../src/internal/messageOf.js';
import { SIGNING } from '../src/message.js';
import { RECEIVED } from '../src/internal/received.js';
import { apiKey, apiKeyIn, date, timeZone, url } from './arbitraries.js';

describe('messageOf: one set of rules for both sides', () => {
  it('what a signer sends is received as the same message, and nothing else is (property)', () => {
    fc.assert(
      fc.property(url, apiKey, date, timeZone, apiKeyIn, fc.constantFrom('/x', '?z=1', '&api_key=x'), (u, k, d, tz, where, tamper) => {
        const sent = messageOf(u, { apiKey: k, date: d, timeZone: tz, apiKeyIn: where }, SIGNING);
        // The server gets the signed URL: origin form on the request line, or absolute through a proxy.
        const line = sent.url.replace(/^https?:\/\/[^/]*/, '').split('#')[0]!;
        for (const received of [line, sent.url.split('#')[0]!]) {
          expect(messageOf(received, { apiKey: k, date: d, timeZone: tz, apiKeyIn: where }, RECEIVED).message).toBe(sent.message);
        }
        // Received as sent, nothing is corrected: another target gives another message or a refusal.
        let other: string | undefined;
        try {
          other = messageOf(line + tamper, { apiKey: k, date: d, timeZone: tz, apiKeyIn: where }, RECEIVED).message;
        } catch (err) {
          expect((err as { code?: string }).code).toMatch(/^ERR_NOPS_|^ERR_TARGET_/);
        }
        if (other !== undefined) expect(other).not.toBe(sent.message);
      }),
      { numRuns: 2000 },
    );
  });

  it('a verifier adds no slash and, in header form, accepts no api_key', () => {
    const base = { apiKey: '123.abc', date: '2022-01-10' };
    expect(() => messageOf('/p?api_key=123.abc', base, RECEIVED)).toThrow(expect.objectContaining({ code: 'ERR_NOPS_TRAILING_SLASH' }));
    expect(() => messageOf('/p/?api_key=123.abc', { ...base, apiKeyIn: 'header' }, RECEIVED)).toThrow(
      expect.objectContaining({ code: 'ERR_NOPS_API_KEY_PARAM' }),
    );
    expect(messageOf('/p', base, SIGNING).message).toBe('123.2022-01-10./p/?api_key=123.abc');
    expect(() => messageOf('/p', { ...base, trailingSlash: 'reject' }, SIGNING)).toThrow(
      expect.objectContaining({ code: 'ERR_NOPS_TRAILING_SLASH' }),
    );
  });
});
