import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type InputCheck, inputCheckers } from './input-check.js';

export { inputChecker, inputCheckers, type InputCheck, type InputCheckCode, type SchemaDocs } from './input-check.js';

/** The JSON Schemas of the vector files shipped with this package. */
export const SCHEMA_DIR: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schema');

/**
 * The input check of every operation, keyed `scheme/operation` (PROTOCOL.md, "Inputs that break the schema"), built
 * from the schema files in `schemaDir`: what a port runs on each request's input before anything else. Its own entry
 * point (`@reqsign/conformance/input-check`), light enough for a port's start: no Ajv, no runner.
 */
export function loadInputCheckers(schemaDir: string = SCHEMA_DIR): Readonly<Record<string, (input: unknown) => InputCheck>> {
  const docs: Record<string, Record<string, unknown>> = {};
  for (const f of readdirSync(schemaDir).filter((n) => n.endsWith('.schema.json'))) {
    docs[f] = JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as Record<string, unknown>;
  }
  return inputCheckers(docs);
}
