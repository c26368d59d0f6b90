/**
 * Writes (default) or checks (`--check`) what the conformance schemas take from SCHEMES (conformance/src/schemes.ts):
 * the envelope schema's `scheme` enum. A JSON Schema cannot import the manifest, so it is generated from it.
 *
 *   npm run schemas            # after adding a scheme to SCHEMES
 *   npm run schemas -- --check # exit 1 when a schema is out of date (conformance/test/vectors.test.ts checks it too)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ENVELOPE_SCHEMA, envelopeSchemaText, SCHEMAS_COMMAND } from './lib/schemas.js';
import { ROOT } from './lib/workspace.js';

const current = readFileSync(ENVELOPE_SCHEMA, 'utf8');
const wanted = envelopeSchemaText(current);
const path = relative(ROOT, ENVELOPE_SCHEMA);
if (process.argv.includes('--check')) {
  if (current !== wanted) {
    console.error(`${path} is out of date (run ${SCHEMAS_COMMAND} and commit it)`);
    process.exit(1);
  }
} else if (current !== wanted) {
  writeFileSync(ENVELOPE_SCHEMA, wanted);
  console.log(`wrote ${path}`);
} else {
  console.log(`${path} is up to date`);
}
