/**
 * `tsx scripts/programs.ts --apt`: the Debian packages that the test suites need and this machine lacks, one line,
 * space-separated (empty when nothing is missing). `.ci/run` installs them. The list is `scripts/lib/programs.ts`.
 */
import { missingAptPackages } from './lib/programs.js';

if (process.argv[2] !== '--apt') {
  process.stderr.write('usage: tsx scripts/programs.ts --apt\n');
  process.exit(2);
}
process.stdout.write(`${missingAptPackages().join(' ')}\n`);
