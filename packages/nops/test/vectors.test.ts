import { judge, loadVectors, respond, type VectorFile } from '@reqsign/conformance';
import { describe, expect, it } from 'vitest';
import { builds, type Build } from './helpers.js';

const files = loadVectors().filter((f) => f.scheme === 'nops');

function dateOf(d: unknown): { date: Date | string; timeZone?: string } {
  if (typeof d === 'string') return { date: d };
  const o = d as { epochMs: number; timeZone?: string } | { day: string; timeZone?: string };
  // A Date truncates a fraction of a millisecond toward zero: floored first (canonical.md, "Dates").
  const date = 'day' in o ? o.day : new Date(Math.floor(o.epochMs));
  return o.timeZone === undefined ? { date } : { date, timeZone: o.timeZone };
}

/** The vectors straight into the public API: a mapping of our own, independent of the conformance adapter. */
async function run(build: Build, operation: string, input: Record<string, any>): Promise<Record<string, unknown>> {
  if (operation === 'sign') {
    const r = await build.sign(input.url, {
      apiKey: input.apiKey,
      privateKey: input.privateKeyPem ?? input.privateKeyJwk,
      apiKeyIn: input.apiKeyIn,
      trailingSlash: input.trailingSlash,
      ...dateOf(input.date),
    });
    return { target: r.target, message: r.message, signature: r.signature, url: r.url, headers: r.headers };
  }
  if (operation === 'verify') {
    const what =
      input.message !== undefined
        ? { message: input.message as string }
        : { url: input.url, apiKey: input.apiKey, apiKeyIn: input.apiKeyIn, ...dateOf(input.date) };
    const r = await build.verify(what, input.signature, input.publicKeyPem ?? input.publicKeyJwk);
    if (r.ok) return { valid: true };
    // A well-formed signature that does not match is the output false; every other failure is its code.
    if (r.code === 'ERR_NOPS_SIGNATURE_INVALID') return { valid: false };
    throw Object.assign(new Error(r.message), { code: r.code });
  }
  throw new Error(`unknown operation ${operation}`);
}

describe('vector files', () => {
  it('have at least 30 sign cases and the required coverage', () => {
    const [sign, verify] = files;
    expect(sign!.cases.length).toBeGreaterThanOrEqual(30);
    const flags = (f: VectorFile) => new Set(f.cases.flatMap((c) => c.flags));
    for (const flag of [
      'DocsExample',
      'Key1024',
      'Key2048',
      'HeaderForm',
      'ExistingQuery',
      'TrailingSlashAdded',
      'TrailingSlashReject',
      'TimeZone',
      'NonAscii',
      'AbsoluteUrl',
      'BadApiKey',
    ]) {
      expect(flags(sign!), flag).toContain(flag);
    }
    for (const flag of [
      'ChangedMessage',
      'ChangedSignature',
      'WrongKey',
      'BadBase64',
      'TrailingNewline',
      'WrongKeyType',
      'Key1024',
      'Key2048',
    ]) {
      expect(flags(verify!), flag).toContain(flag);
    }
  });
});

for (const file of files) {
  for (const [name, build] of builds) {
    describe(`${file.name} vectors (${name})`, () => {
      it.each(file.cases.map((c) => [`${c.id}: ${c.description}`, c] as const))('%s', async (_name, c) => {
        expect(judge(c.expected, await respond(c.id, () => run(build, file.operation, c.input as Record<string, any>)))).toEqual({
          pass: true,
        });
      });
    });
  }
}
