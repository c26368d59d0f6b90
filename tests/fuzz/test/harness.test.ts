/**
 * The harness itself: a hang that starves the event loop (no timer runs again) must become a finding that names the
 * entry and the input, and the run must go on. A copy of the hmac entry with an infinite loop planted in it, once a
 * synchronous loop and once a microtask loop, each at an input a check chooses (as a removed check once let a hang
 * through: the fuzz run then waited without CPU and reported nothing).
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import * as nodeHmac from '@reqsign/hmac';
import { describe, expect, it } from 'vitest';
import { near, text } from './arbitraries.js';
import { draw, FIXED_SEEDS, fuzz, RUNS as WHOLE, runsOf } from './harness.js';

const SECRET = 'a secret the fuzz run keys with, never in a message';
const args = fc.tuple(near(fc.oneof(fc.constant(SECRET), text)), near(text));
/** The input the planted loop fires on: a string message whose length is 3 modulo 7. */
const planted = (d: unknown): boolean => typeof d === 'string' && d.length % 7 === 3;
const RUNS = 40;
/** Where the loop fires, found from the draws themselves (what the harness draws for `RUNS`, the seeds in order). */
const draws = draw(args, RUNS).map(({ value, seed, index }) => ({ seed, index, input: value }));
const at = draws.findIndex(({ input }) => planted(input[1]));
const first = draws[at];

/** The entry as hmac.test.ts has it (createHmacProvider's MAC), with `loop` run at the planted input. */
function entryWith(loop: () => unknown) {
  return async (s: unknown, d: unknown) => {
    if (planted(d)) await loop();
    const mac = await nodeHmac.createHmacProvider().hmacHex(s as string, d as string);
    expect(mac).toBe(
      createHmac('sha256', Buffer.from(s as string, 'utf8'))
        .update(Buffer.from(d as string, 'utf8'))
        .digest('hex'),
    );
    return mac;
  };
}

describe('the harness', () => {
  it("a fixed seed's share is the first inputs of its whole count, and the Fastify finding (input 297 of 300) stays in it", () => {
    // fast-check draws input i from the seed alone: the first n of a longer draw are the draw of n.
    const n = runsOf(FIXED_SEEDS[1]!, WHOLE);
    expect(n).toBeLessThan(WHOLE);
    for (const seed of FIXED_SEEDS) {
      const whole = fc.sample(args, { numRuns: 300, seed });
      expect(fc.sample(args, { numRuns: 60, seed })).toEqual(whole.slice(0, 60));
    }
    if (process.env.REQSIGN_FUZZ_SEED === undefined) expect(runsOf(1248979041, 300)).toBe(300);
  });

  it('draws the planted input', () => {
    expect(first).toBeDefined();
  });

  for (const [kind, loop] of [
    [
      'a synchronous infinite loop',
      () => {
        for (;;) {}
      },
    ],
    [
      'a microtask loop',
      () => {
        const spin = (): Promise<void> => Promise.resolve().then(spin);
        return spin();
      },
    ],
  ] as const) {
    it(`names the entry and the input of ${kind} that starves the event loop, and goes on`, async () => {
      const started = Date.now();
      const summary = await fuzz('hmac(planted).createHmacProvider', args, entryWith(loop), {
        runs: RUNS,
        stallMs: 2_000,
        secrets: [SECRET],
      });
      expect(summary.findings).toHaveLength(1);
      const finding = summary.findings[0]!;
      expect(finding).toContain('hmac(planted).createHmacProvider: the event loop stood still for');
      expect(finding).toContain(`for ${fc.stringify(first!.input).slice(0, 160)} (seed ${first!.seed}, input ${first!.index};`);
      // The inputs before it ran; the thread is alive (a timer runs) and the next entry's run works.
      expect(summary.returned + summary.typed).toBe(at);
      await new Promise((r) => setTimeout(r, 10));
      const after = await fuzz(
        'hmac(clean)',
        args,
        entryWith(() => undefined),
        { runs: 5 },
      );
      expect(after.findings).toEqual([]);
      expect(after.returned + after.typed).toBe(after.inputs);
      expect(Date.now() - started).toBeLessThan(60_000);
    });
  }
});
