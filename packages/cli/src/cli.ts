#!/usr/bin/env node
import { main } from './main.js';

// A reader that has gone (`reqsign ... | head`) ends the command quietly with SIGPIPE's status, 141, as a shell
// tool does, rather than with an EPIPE stack trace. (`reqsign conformance` also kills its ports first.)
const onError = (err: NodeJS.ErrnoException): void => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
};
process.stdout.on('error', onError);
process.stderr.on('error', onError);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`reqsign: ${(err as Error).message}\n`);
    process.exitCode = 2;
  },
);
