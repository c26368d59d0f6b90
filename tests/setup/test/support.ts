import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * The environment of a new shell: no npm_* variables from the `npm test` that runs us, and no node_modules/.bin on
 * PATH (npm puts the workspace's there, which would answer `npx reqsign` for a clone that has none).
 */
export function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE' && !k.startsWith('VITEST')) env[k] = v;
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((p) => !p.includes('node_modules'))
    .join(delimiter);
  return { ...env, ...extra };
}

/** A PATH on which `programs` are not found: each is shadowed by a script that says so and exits 127, as a shell does. */
export function pathWithout(...programs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'reqsign-nobin-'));
  for (const p of programs) {
    writeFileSync(join(dir, p), `#!/bin/sh\necho "${p}: not found" >&2\nexit 127\n`);
    chmodSync(join(dir, p), 0o755);
  }
  return `${dir}${delimiter}${freshEnv()['PATH']}`;
}
