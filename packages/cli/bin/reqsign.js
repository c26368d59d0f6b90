#!/usr/bin/env node
// The `reqsign` command. npm links a package's bin only if the file exists when it installs the package, and in
// a fresh clone of the repository dist/ is built after `npm ci`: so the bin is this small file, kept in git,
// which runs the built program.
import module from 'node:module';

// Node 22.1+ can cache compiled code between runs (as npm itself does): a shorter start for a short-lived command.
module.enableCompileCache?.();

import('../dist/cli.js').catch((err) => {
  const unbuilt = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist');
  process.stderr.write(`reqsign: ${unbuilt ? 'not built yet: run `npm run build` first' : (err?.stack ?? String(err))}\n`);
  process.exitCode = 2;
});
