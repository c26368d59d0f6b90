import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, CONFORMANCE, FIXTURES } from './helpers.js';
import { requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3');

/**
 * The sample output in the README is a real run: the README's command, with `python3 my_port.py` played by the
 * reference port with one bug (the nog-v1 string to sign without its final newline). Every line of the sample is a
 * line of the output, in order; a line `...` stands for lines left out, a line ending in `...` for a line cut short.
 */
describe('README sample output', () => {
  const readme = readFileSync(join(CONFORMANCE, 'README.md'), 'utf8');
  const command = /```sh\n(npx @reqsign\/conformance --impl "my-port=python3 my_port\.py"[^\n]*)\n```/.exec(readme)?.[1];
  const sample = /<!-- sample:[^\n]*-->\n```\n([\s\S]*?)\n```/.exec(readme)?.[1];

  it('is the output of a real run of the command above it', async () => {
    expect(command).toBeDefined();
    expect(sample).toBeDefined();
    const args = [...command!.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(2);
    const impl = args.map((a) => a.replace('python3 my_port.py', `python3 ${JSON.stringify(`${FIXTURES}buggy_port.py`)} no-final-newline`));
    const run = await cli(impl);
    expect(run.stderr).toBe('');
    const output = run.stdout.replace(/\n$/, '').split('\n');
    let at = 0;
    let gap = false;
    for (const line of sample!.split('\n')) {
      if (line === '...') {
        gap = true;
        continue;
      }
      const matches = (l: string) => (line.endsWith('...') ? l.startsWith(line.slice(0, -3)) : l === line);
      const found = output.findIndex((l, i) => i >= at && matches(l));
      expect(found, `README line not in the output where expected: ${line}`).toBe(gap ? Math.max(found, at) : at);
      at = found + 1;
      gap = false;
    }
    expect(at, 'the sample ends where the output ends').toBe(output.length);
  });
});
