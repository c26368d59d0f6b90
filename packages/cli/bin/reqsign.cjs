#!/usr/bin/env node
// The `reqsign` command. npm links a package's bin only if the file exists when it installs the package, and in
// a fresh clone of the repository dist/ is built after `npm ci`: so the bin is this small file, kept in git,
// which runs the built program: dist/reqsign.cjs, which requires the bundle of the command it runs,
// dist/commands/<command>.cjs (CommonJS files, one per command: scripts/bundle.mjs says why).
'use strict';

// Node 22.1+ can cache compiled code between runs (as npm itself does): a shorter start for a short-lived command.
require('node:module').enableCompileCache?.();

try {
  require('../dist/reqsign.cjs');
} catch (err) {
  const unbuilt = err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes('reqsign.cjs');
  process.stderr.write(`reqsign: ${unbuilt ? 'not built yet: run `npm run build` first' : (err?.stack ?? String(err))}\n`);
  process.exitCode = 2;
}
