#!/usr/bin/env node
// The workspace's postinstall: installs tools/runtimes (Node 22 and 24, Deno and Bun, workerd, and Verdaccio, from npm), which the test
// suites run on. They live in a project of their own so that `node` in npm scripts stays the machine's Node: as
// dependencies of the workspace, node22's bin would come first on PATH. Skipped when what is installed already
// matches tools/runtimes/package-lock.json, so an `npm install` in the workspace costs nothing more.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'runtimes');
const read = (file) => {
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8')).packages ?? {};
  } catch {
    return undefined;
  }
};

/**
 * Whether node_modules holds the locked packages (by npm's own record, node_modules/.package-lock.json): each one,
 * except optional ones for other platforms (Deno's and Bun's binaries for macOS, Windows, ...).
 */
function installed() {
  const locked = read('package-lock.json');
  const present = read(join('node_modules', '.package-lock.json'));
  if (locked === undefined || present === undefined) return false;
  const names = Object.keys(locked).filter((k) => k !== '');
  return names.every((k) =>
    present[k] === undefined
      ? locked[k].optional === true
      : present[k].version === locked[k].version && present[k].integrity === locked[k].integrity && existsSync(join(dir, k)),
  );
}

if (process.env.REQSIGN_SKIP_RUNTIMES === '1') {
  process.stdout.write(
    'tools/runtimes: not installed (REQSIGN_SKIP_RUNTIMES=1); the runtimes suites will fail until `npm ci --prefix tools/runtimes`\n',
  );
} else if (installed()) {
  process.stdout.write('tools/runtimes: up to date\n');
} else {
  // The npm that runs this script, so that the same version installs the runtimes (npm_execpath is its CLI).
  const npm = process.env.npm_execpath;
  const args = ['ci', '--prefix', dir, '--no-fund', '--no-audit'];
  const r = npm
    ? spawnSync(process.execPath, [npm, ...args], { stdio: 'inherit' })
    : spawnSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exitCode = r.status ?? 1;
}
