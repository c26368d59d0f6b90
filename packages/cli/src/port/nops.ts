import { field, optional, type Handlers } from '@reqsign/conformance/portable';

type NopsModule = typeof import('@reqsign/nops');

/**
 * A vector's date: `YYYY-MM-DD` as given, `{ epochMs, timeZone? }` as a Date and a zone, or `{ day, timeZone? }` as
 * the `YYYY-MM-DD` string beside a zone (which the library refuses).
 */
function dateOf(input: Record<string, unknown>): { date: Date | string; timeZone?: string } {
  const d = input['date'];
  if (typeof d === 'string') return { date: d };
  const o = field(input, 'date', 'object');
  const timeZone = optional(o, 'timeZone', 'string');
  // A Date holds whole milliseconds and truncates toward zero: the instant is floored first (canonical.md, "Dates").
  const date = 'day' in o ? field(o, 'day', 'string') : new Date(Math.floor(field(o, 'epochMs', 'number')));
  return { date, ...(timeZone === undefined ? {} : { timeZone }) };
}

function keyOf(input: Record<string, unknown>, kind: 'private' | 'public'): string | Record<string, unknown> {
  const pem = optional(input, `${kind}KeyPem`, 'string');
  return pem ?? field(input, `${kind}KeyJwk`, 'object');
}

/**
 * The nOps operations, driven through @reqsign/nops: the node:crypto build (the package's `node` condition) or,
 * with `webcrypto`, the portable build at `@reqsign/nops/webcrypto`, so that the same vectors cover both paths.
 */
export async function nopsHandlers(webcrypto: boolean): Promise<Handlers> {
  const nops: NopsModule = webcrypto ? await import('@reqsign/nops/webcrypto') : await import('@reqsign/nops');
  return {
    async sign(input) {
      const apiKeyIn = optional(input, 'apiKeyIn', 'string') as 'query' | 'header' | undefined;
      const trailingSlash = optional(input, 'trailingSlash', 'string') as 'add' | 'reject' | undefined;
      const r = await nops.sign(field(input, 'url', 'string'), {
        apiKey: field(input, 'apiKey', 'string'),
        privateKey: keyOf(input, 'private') as never,
        ...dateOf(input),
        ...(apiKeyIn === undefined ? {} : { apiKeyIn }),
        ...(trailingSlash === undefined ? {} : { trailingSlash }),
      });
      return { target: r.target, message: r.message, signature: r.signature, url: r.url, headers: { ...r.headers } };
    },
    async verify(input) {
      const message = optional(input, 'message', 'string');
      const apiKeyIn = optional(input, 'apiKeyIn', 'string') as 'query' | 'header' | undefined;
      const what =
        message !== undefined
          ? { message }
          : {
              url: field(input, 'url', 'string'),
              apiKey: field(input, 'apiKey', 'string'),
              ...dateOf(input),
              ...(apiKeyIn === undefined ? {} : { apiKeyIn }),
            };
      const r = await nops.verify(what, field(input, 'signature', 'string'), keyOf(input, 'public') as never);
      if (r.ok) return { valid: true };
      // A well-formed signature that does not match is the output false; every other failure is its code.
      if (r.code === 'ERR_NOPS_SIGNATURE_INVALID') return { valid: false };
      throw Object.assign(new Error(r.message), { code: r.code });
    },
  };
}
