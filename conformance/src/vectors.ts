import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { Scheme } from './protocol.js';

export type Expected =
  | { readonly result: 'valid'; readonly output: Record<string, unknown> }
  | { readonly result: 'invalid'; readonly error: string }
  | { readonly result: 'acceptable'; readonly output?: Record<string, unknown>; readonly errors: readonly string[] };

export interface VectorCase {
  readonly id: string;
  readonly description: string;
  readonly flags: readonly string[];
  readonly input: Record<string, unknown>;
  readonly expected: Expected;
}

export interface VectorFile {
  /** The file's name without `.json`, e.g. `nog-sign`. */
  readonly name: string;
  readonly path: string;
  readonly scheme: Scheme;
  readonly operation: string;
  readonly version: string;
  readonly notes: Readonly<Record<string, string>>;
  readonly cases: readonly VectorCase[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** The vectors shipped with this package. */
export const VECTORS_DIR: string = resolve(here, '..', 'vectors');
/** Their JSON Schemas. */
export const SCHEMA_DIR: string = resolve(here, '..', 'schema');

/** A vector file that is not valid JSON, fails its schema, or breaks a rule the schema cannot state. */
export class VectorFileError extends Error {
  readonly code = 'ERR_VECTOR_FILE' as const;
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'VectorFileError';
  }
}

/**
 * Loads every `*.json` vector file in `dir`, validates each against the schema named by its `$schema` (relative to
 * the file), and checks what a schema cannot: ids unique across all files, every flag explained in `notes`.
 */
export function loadVectors(dir: string = VECTORS_DIR, schemaDir: string = SCHEMA_DIR): VectorFile[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const f of readdirSync(schemaDir).filter((n) => n.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as object, f);
  }
  const files: VectorFile[] = [];
  const ids = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, name);
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new VectorFileError(name, `not valid JSON (${(err as Error).message})`);
    }
    const schemaRef = data['$schema'];
    if (typeof schemaRef !== 'string') throw new VectorFileError(name, 'has no $schema');
    const schemaName = schemaRef.split('/').pop()!;
    const validate = ajv.getSchema(schemaName);
    if (validate === undefined) throw new VectorFileError(name, `names an unknown schema ${schemaRef}`);
    if (!validate(data)) {
      const first = validate.errors?.slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
      throw new VectorFileError(name, `does not match ${schemaName}: ${first}`);
    }
    const file = data as unknown as Omit<VectorFile, 'name' | 'path'>;
    for (const c of file.cases) {
      const seen = ids.get(c.id);
      if (seen !== undefined) throw new VectorFileError(name, `case id ${c.id} is also used in ${seen}`);
      ids.set(c.id, name);
      for (const flag of c.flags) {
        if (!(flag in file.notes)) throw new VectorFileError(name, `case ${c.id} uses flag ${flag} that notes do not explain`);
      }
    }
    files.push({ ...file, name: name.replace(/\.json$/, ''), path });
  }
  return files;
}
