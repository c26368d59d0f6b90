import { isHttpToken } from '@reqsign/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builds, DATE_MS, KEY, KEYS, node } from './helpers.js';

// A verifier takes the method from the request line, where it is a token (RFC 9110 tchar): anything else was not
// sent by a client (a framework's or a proxy's value, a method-override header) and is refused as a malformed
// request, before anything else, as the signer refuses it (ERR_SIGN_METHOD). The signature is made with node:crypto's
// HMAC over the method as given, so the refusal is the method rule's, not a signature mismatch.
const NOW = DATE_MS + 60_000;
const TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** A URL signed for `method` by hand (the signer refuses a non-token method), with node:crypto's HMAC. */
async function signedFor(method: string): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const target = `/p?authalgorithm=nog-v1&authkeyid=${KEY.id}&authdate=2015-04-20T123456Z&authexpires=600`;
  const mac = createHmac('sha256', KEY.secret).update(`${method}\n${target}\n`).digest('hex');
  return `${target}&authsignature=${mac}`;
}

describe.each(builds)('the method a verifier is given (%s)', (_name, build) => {
  const verifier = build.createVerifier({ keys: KEYS, now: () => NOW });

  it('the repro: empty, "G T" and "GET\\n/x" are refused (ERR_AUTH_MALFORMED), though signed over', async () => {
    for (const method of ['', 'G T', 'GET\n/x', 'GET\r', 'G\u00c9T', 'GET ', '(GET)']) {
      const r = await verifier.verify(method, await signedFor(method));
      expect(r).toEqual({ ok: false, code: 'ERR_AUTH_MALFORMED', message: 'Malformed signed request.', status: 401 });
    }
    // A token method signed the same way verifies: the URL was good.
    expect((await verifier.verify('GET', await signedFor('GET'))).ok).toBe(true);
    expect((await verifier.verify("!#$%&'*+-.^_`|~", await signedFor("!#$%&'*+-.^_`|~"))).ok).toBe(true);
  });

  it('before any other check: a bad method and a bad URL is the method', async () => {
    expect(await verifier.verify('G T', '/p')).toMatchObject({ code: 'ERR_AUTH_MALFORMED' });
    expect(await verifier.verify('G T', 'nonsense')).toMatchObject({ code: 'ERR_AUTH_MALFORMED' });
    // A method that is not a string stays the caller's error.
    await expect(async () => verifier.verify(1 as unknown as string, '/p')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('any string: a token is read as the signer reads it; anything else is ERR_AUTH_MALFORMED (property)', async () => {
    const url = node.signSync('GET', '/p', KEY, { date: DATE_MS, nonce: false }).url;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 8 })),
        async (method) => {
          const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method);
          expect(isHttpToken(method)).toBe(token);
          const r = await verifier.verify(method, url);
          if (token) expect(r).toMatchObject(method === 'GET' ? { ok: true } : { code: 'ERR_AUTH_SIG_INVALID' });
          else expect(r).toMatchObject({ code: 'ERR_AUTH_MALFORMED' });
        },
      ),
      { numRuns: 300 },
    );
  });
});
