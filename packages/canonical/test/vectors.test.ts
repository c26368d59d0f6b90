import {
  appendQuery,
  formatDateTime,
  formatDay,
  fromBase64,
  fromHex,
  hasQuery,
  parseDateTime,
  parseDay,
  parseQuery,
  parseReceivedTarget,
  parseRequestTarget,
  toBase64,
  toHex,
} from '@reqsign/canonical';
import { judge, loadVectors, respond } from '@reqsign/conformance';
import { describe, expect, it } from 'vitest';

/** The vectors straight into the public API: a mapping of our own, independent of the conformance adapter. */
function run(operation: string, input: Record<string, any>): Record<string, unknown> {
  switch (operation) {
    case 'target': {
      const parse = input.received === true ? parseReceivedTarget : parseRequestTarget;
      const t = parse(input.url, input.maxLength === undefined ? undefined : { maxLength: input.maxLength });
      return { form: t.form, origin: t.origin, target: t.target, path: t.path, query: t.query, fragment: t.fragment };
    }
    case 'query': {
      const q = input.target.indexOf('?');
      const params = q === -1 ? [] : parseQuery(input.target.slice(q + 1), { decode: input.decode === true });
      return {
        hasQuery: hasQuery(input.target),
        params: params.map((p) => [p.name, p.value]),
        ...(input.append === undefined ? {} : { appended: appendQuery(input.target, input.append) }),
      };
    }
    case 'date':
      if (input.text !== undefined) return { epochMs: (input.kind === 'day' ? parseDay(input.text) : parseDateTime(input.text)).getTime() };
      return { text: input.kind === 'day' ? formatDay(input.epochMs, input.timeZone) : formatDateTime(input.epochMs) };
    case 'encoding':
      if (input.hex !== undefined) return { text: input.encoding === 'base64' ? toBase64(fromHex(input.hex)) : toHex(fromHex(input.hex)) };
      return { hex: toHex(input.encoding === 'base64' ? fromBase64(input.text) : fromHex(input.text)) };
  }
  throw new Error(`unknown operation ${operation}`);
}

const files = loadVectors().filter((f) => f.scheme === 'canonical');

describe('canonical vectors', () => {
  it('has the vector files and at least 40 target/query cases', () => {
    expect(files.map((f) => f.operation).sort()).toEqual(['date', 'encoding', 'query', 'target']);
    const n = files.filter((f) => f.operation === 'target' || f.operation === 'query').reduce((s, f) => s + f.cases.length, 0);
    expect(n).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    describe(file.name, () => {
      it.each(file.cases.map((c) => [`${c.id}: ${c.description}`, c] as const))('%s', async (_name, c) => {
        expect(judge(c.expected, await respond(c.id, () => run(file.operation, c.input)))).toEqual({ pass: true });
      });
    });
  }
});
