import { formatDateTime, parseDateTime } from '@reqsign/canonical';
import { field, optional, type Handlers } from '@reqsign/conformance/portable';

/** The API both builds share. */
type NogModule = typeof import('@reqsign/nog/webcrypto');

/** The verifier options a vector may set (nog-verify and nog-replay `options`). */
function verifierOptions(input: Record<string, unknown>): Record<string, unknown> {
  const o = optional(input, 'options', 'object') ?? {};
  const out: Record<string, unknown> = {};
  for (const name of ['defaultExpires', 'maxExpiresWithNonce', 'maxExpires', 'maxClockSkew', 'maxUrlLength'] as const) {
    const v = optional(o, name, 'number');
    if (v !== undefined) out[name] = v;
  }
  const requireNonce = optional(o, 'requireNonce', 'boolean');
  if (requireNonce !== undefined) out['requireNonce'] = requireNonce;
  return out;
}

function keysOf(input: Record<string, unknown>): Record<string, string> {
  const keys = field(input, 'keys', 'object');
  for (const v of Object.values(keys)) {
    if (typeof v !== 'string') throw Object.assign(new Error('vector input keys must map to strings'), { code: 'ERR_VECTOR_INPUT' });
  }
  return keys as Record<string, string>;
}

/** A verifier and a fresh memory nonce store on one clock that the caller sets. */
function makeVerifier(nog: NogModule, input: Record<string, unknown>) {
  const clock = { ms: 0 };
  const now = (): number => clock.ms;
  const o = optional(input, 'options', 'object') ?? {};
  const maxEntries = optional(o, 'nonceStoreMaxEntries', 'number');
  const nonceStore = new nog.MemoryNonceStore(maxEntries === undefined ? {} : { maxEntries });
  const verifier = nog.createVerifier({ keys: keysOf(input), now, nonceStore, ...verifierOptions(input) });
  return { clock, verifier };
}

function rejection(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * The nog-v1 operations, driven through @reqsign/nog. `webcrypto` selects the portable WebCrypto build instead of
 * the node:crypto one, so that the same vectors cover both paths.
 */
export async function nogHandlers(webcrypto: boolean): Promise<Handlers> {
  const nog: NogModule = webcrypto ? await import('@reqsign/nog/webcrypto') : await import('@reqsign/nog');
  return {
    async sign(input) {
      const nonce = input['nonce'] === null ? false : field(input, 'nonce', 'string');
      const r = await nog.sign(
        field(input, 'method', 'string'),
        field(input, 'url', 'string'),
        { id: field(input, 'keyId', 'string'), secret: field(input, 'secret', 'string') },
        {
          // The authdate as the vector holds it: the library reads it, in its own order of checks (the date first).
          date: field(input, 'authdate', 'string'),
          expires: field(input, 'expires', 'number'),
          nonce,
          // null is absent (PROTOCOL.md, "Operations"): the default.
          ...(optional(input, 'maxUrlLength', 'number') === undefined ? {} : { maxUrlLength: field(input, 'maxUrlLength', 'number') }),
          // A vector signs what it signs (a lowercase method, a long expiry): no warnings on the port's stderr.
          onWarning: () => {},
        },
      );
      return { target: r.target, stringToSign: r.stringToSign, signature: r.signature, url: r.url };
    },
    async verify(input) {
      const { clock, verifier } = makeVerifier(nog, input);
      clock.ms = parseDateTime(field(input, 'now', 'string')).getTime();
      const r = await verifier.verify(field(input, 'method', 'string'), field(input, 'url', 'string'));
      if (!r.ok) throw rejection(r.code, r.message);
      return {
        keyId: r.keyId,
        authdate: formatDateTime(r.authdate),
        expiresAt: formatDateTime(r.expiresAt),
        nonce: r.nonce,
        target: r.target,
        query: r.query,
      };
    },
    async 'verify-sequence'(input) {
      const { clock, verifier } = makeVerifier(nog, input);
      const requests = input['requests'];
      if (!Array.isArray(requests)) throw rejection('ERR_VECTOR_INPUT', 'vector input requests must be an array');
      const results: string[] = [];
      for (const req of requests as Record<string, unknown>[]) {
        clock.ms = parseDateTime(field(req, 'now', 'string')).getTime();
        const r = await verifier.verify(field(req, 'method', 'string'), field(req, 'url', 'string'));
        results.push(r.ok ? 'valid' : r.code);
      }
      return { results };
    },
  };
}
