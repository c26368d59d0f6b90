import { describe, expect, it } from 'vitest';
import { judge, loadVectors } from '../../../conformance/src/index.js';
import { canonicalHandlers } from '../../../conformance/src/adapters/ts/canonical.js';

// The canonical vector files, through the same handlers and judge that the conformance run uses.
const files = loadVectors().filter((f) => f.scheme === 'canonical');

describe('canonical vectors', () => {
  it('has the vector files and at least 40 target/query cases', () => {
    expect(files.map((f) => f.operation).sort()).toEqual(['date', 'encoding', 'query', 'target']);
    const n = files.filter((f) => f.operation === 'target' || f.operation === 'query').reduce((s, f) => s + f.cases.length, 0);
    expect(n).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    describe(file.name, () => {
      for (const c of file.cases) {
        it(`${c.id}: ${c.description}`, async () => {
          const handler = canonicalHandlers[file.operation];
          if (handler === undefined) throw new Error(`no handler for ${file.operation}`);
          let response;
          try {
            response = { type: 'response' as const, id: c.id, output: await handler(c.input) };
          } catch (err) {
            const code = (err as { code?: unknown }).code;
            if (typeof code !== 'string') throw err; // an untyped exception is a bug, not an outcome
            response = { type: 'response' as const, id: c.id, error: { code } };
          }
          expect(judge(c.expected, response)).toEqual({ pass: true });
        });
      }
    });
  }
});
