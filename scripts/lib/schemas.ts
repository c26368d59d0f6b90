import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMES } from '../../conformance/src/schemes.js';
import { ROOT } from './workspace.js';

/** The JSON Schemas that carry a list from SCHEMES, and the command that writes them. */
export const SCHEMAS_COMMAND = 'npm run schemas';
export const ENVELOPE_SCHEMA: string = join(ROOT, 'conformance', 'schema', 'envelope.schema.json');

const SCHEME_ENUM = /("scheme":\s*\{\s*"enum":\s*)\[[^\]]*\]/;

/**
 * The envelope schema's text with its `scheme` enum made from SCHEMES (every scheme's id, in the manifest's order);
 * the rest of the file as written.
 */
export function envelopeSchemaText(current: string = readFileSync(ENVELOPE_SCHEMA, 'utf8')): string {
  if (!SCHEME_ENUM.test(current)) throw new Error(`${ENVELOPE_SCHEMA} has no "scheme": { "enum": [...] } to write`);
  const ids = SCHEMES.map((s) => JSON.stringify(s.id)).join(', ');
  return current.replace(SCHEME_ENUM, (_, head: string) => `${head}[${ids}]`);
}
