/**
 * The types the integrations give each framework, compiled by tsc as a user's program would be (NodeNext, strict,
 * against the built declarations): fixtures in test/fixtures/types, two programs (one without any opt-in type entry,
 * one with `@reqsign/http/express` and `@reqsign/http/koa-state`, since those add to global or Koa types). Each line
 * marked `// error: TS...` must fail with exactly those codes, and no other line may fail.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/lib/workspace.js';

const FIXTURES = join(ROOT, 'packages', 'http', 'test', 'fixtures', 'types');

/** `file:line CODE` for each marked line of a program's fixtures. */
function expected(dir: string): string[] {
  const out: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mts'))) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const codes = /\/\/ error: ((?:TS\d+ ?)+)$/.exec(line)?.[1];
        for (const code of codes?.trim().split(' ') ?? []) out.push(`${file}:${i + 1} ${code}`);
      });
  }
  return out.sort();
}

/** The errors tsc reports for a program, as `file:line CODE`. */
function errors(dir: string): string[] {
  let output = '';
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', dir, '--pretty', 'false'], { encoding: 'utf8', cwd: dir });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  return [...output.matchAll(/^([^\s(]+)\((\d+),\d+\): error (TS\d+)/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`).sort();
}

describe('types as a user compiles them', () => {
  it.each(['plain', 'augmented'])(
    '%s: a Hono route without the middleware does not compile c.get("nogAuth"), one with it does; Express and Koa get nogAuth typed only from the opt-in entries',
    (program) => {
      const dir = join(FIXTURES, program);
      const want = expected(dir);
      expect(want.length).toBeGreaterThan(0);
      expect(errors(dir)).toEqual(want);
    },
    120_000,
  );
});
