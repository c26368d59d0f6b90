/**
 * Terminal sessions in READMEs and docs (`<!-- snippet: transcript -->`, tests/docs/test/support/snippets.ts) run as pasted:
 * each block in one bash, in a user's folder, with `reqsign` on PATH as npm installs it (its bin) and the
 * environment the READMEs set (NOG_KEYID, NOG_SECRETKEY, NOPS_API_KEY), and each command's output (stdout and stderr,
 * as a terminal shows them) must match the lines under it, `...` standing for any text.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { docFiles } from '../../../scripts/lib/doc-regions.js';
import { parseReadme, readmes, type Transcript } from './support/snippets.js';
import { NOG, NOPS_API_KEY, userFolder } from './support/userFolder.js';

// The specs' sessions run openssl.
requirePrograms('openssl');

/** Every README's and every doc's (docs/, docs/spec/) transcripts. */
const transcripts = [...new Set([...readmes(ROOT), ...docFiles(ROOT)])].flatMap((r) => parseReadme(ROOT, r).transcripts);

/** Whether `actual` lines match `expected` ones: `...` in a line is any text, a line of `...` any lines. */
export function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const line = (e: string): RegExp =>
    new RegExp(
      `^${e
        .split('...')
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*?')}$`,
    );
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    if (i === expected.length) r = j === actual.length;
    else if (expected[i]!.trim() === '...') r = go(i + 1, j) || (j < actual.length && go(i, j + 1));
    else r = j < actual.length && line(expected[i]!).test(actual[j]!) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

const folder = userFolder();
const bin = join(folder.dir, '.bin');
mkdirSync(bin);
// `reqsign` as npm links it: the package's bin, run by this Node.
writeFileSync(
  join(bin, 'reqsign'),
  `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'packages', 'cli', 'bin', 'reqsign.cjs'))} "$@"\n`,
);
chmodSync(join(bin, 'reqsign'), 0o755);
afterAll(() => folder.remove());

/** Runs a transcript's commands in one bash, in a folder of its own; the output of each command. */
function run(t: Transcript, dir: string): string[][] {
  const marker = `@@reqsign-transcript-${process.pid}@@`;
  const script = ['exec 2>&1', ...t.steps.flatMap((s) => [`echo ${marker}`, s.command]), `echo ${marker}`].join('\n');
  const r = spawnSync('bash', ['-c', script], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: dir,
      NOG_KEYID: NOG.id,
      NOG_SECRETKEY: NOG.secret,
      NOPS_API_KEY,
      NOPS_PRIVATE_KEY_FILE: join(folder.dir, 'nops_private_key.pem'),
    },
  });
  const parts = r.stdout.split(`${marker}\n`);
  // Before the first marker: nothing; after the last: nothing.
  return parts.slice(1, -1).map((p) => (p === '' ? [] : p.replace(/\n$/, '').split('\n')));
}

describe('README terminal sessions run as shown', () => {
  it('finds the transcripts (the CLI README and the specs have them)', () => {
    expect(transcripts.filter((t) => t.readme === 'packages/cli/README.md').length).toBeGreaterThanOrEqual(4);
    expect(transcripts.filter((t) => t.readme.startsWith('docs/spec/')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(transcripts.map((t) => [`${t.readme}:${t.line}`, t] as const))('%s', (_id, t) => {
    // In the user's folder, with their key files (nops_private_key.pem, nops_public_key.pem).
    const outputs = run(t, t.cwd === undefined ? folder.dir : join(ROOT, t.cwd));
    expect(outputs).toHaveLength(t.steps.length);
    t.steps.forEach((s, i) => {
      const expected = s.output.length > 0 && s.output.at(-1) === '' ? s.output.slice(0, -1) : s.output;
      expect(
        matches(expected, outputs[i]!),
        `${t.readme}:${t.line}: $ ${s.command}\nexpected:\n${expected.join('\n')}\ngot:\n${outputs[i]!.join('\n')}`,
      ).toBe(true);
    });
  });

  it('the matcher: ... within a line and as a line; anything else exactly (the check can fail)', () => {
    expect(matches(['a...c'], ['abbbc'])).toBe(true);
    expect(matches(['a...c'], ['abbbd'])).toBe(false);
    expect(matches(['x', '...', 'z'], ['x', 'y1', 'y2', 'z'])).toBe(true);
    expect(matches(['x', '...', 'z'], ['x', 'z'])).toBe(true);
    expect(matches(['x', 'z'], ['x', 'y', 'z'])).toBe(false);
    expect(matches(['{"valid":true}'], ['{"valid":false}'])).toBe(false);
    expect(matches(['a.c'], ['abc'])).toBe(false);
  });
});
