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
  if (typeof schemaDir !== 'string') {
    throw Object.assign(new TypeError('schemaDir must be a directory path'), { code: 'ERR_INVALID_ARGUMENT' as const });
  }
  const docs: Record<string, Record<string, unknown>> = {};
  try {
    for (const f of readdirSync(schemaDir).filter((n) => n.endsWith('.schema.json'))) {
      docs[f] = JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as Record<string, unknown>;
    }
  } catch (cause) {
    // A directory that is not there or cannot be read, a file that is no JSON: what went wrong is the cause.
    throw Object.assign(new Error(`cannot read the schema files in ${schemaDir}`, { cause }), { code: 'ERR_SCHEMA' as const });
  }
  return inputCheckers(docs);
}
