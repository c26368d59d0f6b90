import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../conformance/src/judge.js';
import { nopsHandlers } from '../../../conformance/src/adapters/ts/nops.js';
import type { Response } from '../../../conformance/src/protocol.js';
import type { VectorCase } from '../../../conformance/src/vectors.js';
import { builds, type Build } from './helpers.js';

interface VectorFile {
  readonly scheme: string;
  readonly operation: string;
  readonly cases: readonly VectorCase[];
}
const load = (name: string): VectorFile =>
  JSON.parse(readFileSync(new URL(`../../../conformance/vectors/${name}.json`, import.meta.url), 'utf8')) as VectorFile;
const files = [load('nops-sign'), load('nops-verify')];

function dateOf(d: unknown): { date: Date | string; timeZone?: string } {
  if (typeof d === 'string') return { date: d };
  const o = d as { epochMs: number; timeZone?: string } | { day: string; timeZone?: string };
  const date = 'day' in o ? o.day : new Date(o.epochMs);
  return o.timeZone === undefined ? { date } : { date, timeZone: o.timeZone };
}

/** A thin loop of our own, independent of the conformance adapter: the vectors straight into the API. */
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

async function respond(fn: () => Promise<Record<string, unknown>>): Promise<Response> {
  try {
    return { type: 'response', id: '', output: await fn() };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string') throw err;
    return { type: 'response', id: '', error: { code } };
  }
}

describe('vector files', () => {
  it('have at least 30 sign cases and the required coverage', () => {
    const [sign, verify] = files;
    expect(sign!.cases.length).toBeGreaterThanOrEqual(30);
    const flags = (f: VectorFile) => new Set(f.cases.flatMap((c) => c.flags));
    for (const flag of ['DocsExample', 'Key1024', 'Key2048', 'HeaderForm', 'ExistingQuery', 'TrailingSlashAdded', 'TrailingSlashReject', 'TimeZone', 'NonAscii', 'AbsoluteUrl', 'BadApiKey']) {
      expect(flags(sign!), flag).toContain(flag);
    }
    for (const flag of ['ChangedMessage', 'ChangedSignature', 'WrongKey', 'BadBase64', 'TrailingNewline', 'WrongKeyType', 'Key1024', 'Key2048']) {
      expect(flags(verify!), flag).toContain(flag);
    }
  });
});

for (const file of files) {
  for (const [name, build] of builds) {
    describe(`${file.operation} vectors, ${name}, directly`, () => {
      for (const c of file.cases) {
        it(`${c.id}: ${c.description}`, async () => {
          const response = await respond(() => run(build, file.operation, c.input as Record<string, any>));
          if (c.expected.result === 'acceptable') throw new Error('nops vectors have no acceptable cases');
          expect(judge(c.expected, response)).toEqual({ pass: true });
        });
      }
    });
  }
  for (const webcrypto of [false, true]) {
    describe(`${file.operation} vectors through the conformance adapter${webcrypto ? ' (--webcrypto)' : ''}`, () => {
      it('passes every case', async () => {
        const handlers = await nopsHandlers(webcrypto);
        const failures: string[] = [];
        for (const c of file.cases) {
          const verdict = judge(c.expected, await respond(async () => handlers[file.operation]!(c.input)));
          if (!verdict.pass) failures.push(`${c.id} ${verdict.stage}`);
        }
        expect(failures).toEqual([]);
      });
    });
  }
}
