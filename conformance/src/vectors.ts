import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { SCHEMA_DIR } from './input-schemas.js';
import { schemeOf, type Scheme } from './schemes.js';

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
export { SCHEMA_DIR };

/** The one code of {@link VectorFileError}. */
export type VectorFileErrorCode = 'ERR_VECTOR_FILE';

/**
 * A vector file that is not valid JSON, fails its schema, or breaks a rule the schema cannot state. The message
 * names the file and the rule; vector files hold only public test keys, so it may quote them.
 */
export class VectorFileError extends Error {
  readonly code: VectorFileErrorCode = 'ERR_VECTOR_FILE';
  /** The file's name, e.g. `nog-sign.json`. */
  readonly file: string;
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'VectorFileError';
    this.file = file;
  }
}

const ENVELOPE = 'envelope.schema.json';
/** The flag of a case whose input breaks its operation's schema (each operation's schema checks that it does). */
export const BREAKS_SCHEMA = 'BreaksSchema';

/** The names in a directory, or a {@link VectorFileError} that says why not (no such directory, not one, no access). */
function listDirectory(dir: unknown, what: string): string[] {
  const shown = typeof dir === 'string' ? JSON.stringify(dir) : typeof dir;
  if (typeof dir !== 'string' || dir === '' || dir.includes('\0'))
    throw new VectorFileError(shown, `is no ${what} (a path is a non-empty string)`);
  try {
    return readdirSync(dir);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new VectorFileError(shown, `is no readable ${what} (${typeof code === 'string' ? code : 'unreadable'})`);
  }
}

/** What {@link loadVectors} keeps. */
export interface LoadOptions {
  /**
   * Keep the cases flagged `BreaksSchema` too: inputs that break the operation's schema, which a port answers with
   * `ERR_VECTOR_INPUT` or `ERR_OPTION_RANGE` from its input check (PROTOCOL.md), before its library sees them. The
   * runner keeps them; the default leaves them out, for tests that hand the inputs to a library directly.
   */
  readonly breaksSchema?: boolean;
}

/**
 * Loads every `*.json` vector file in `dir`, validates each against the envelope schema and the schema named by its
 * `$schema` (looked up by file name in `schemaDir`), and checks what a schema cannot: every case id starts with the
 * file's name and is unique across all files, every flag is explained in `notes`. Throws {@link VectorFileError}.
 */
export function loadVectors(dir: string = VECTORS_DIR, schemaDir: string = SCHEMA_DIR, options: LoadOptions = {}): VectorFile[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const f of listDirectory(schemaDir, 'schema directory').filter((n) => n.endsWith('.schema.json'))) {
    try {
      ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as object, f);
    } catch (err) {
      throw new VectorFileError(f, `is not a usable JSON Schema (${(err as Error).message})`);
    }
  }
  const files: VectorFile[] = [];
  const ids = new Map<string, string>();
  for (const name of listDirectory(dir, 'vector directory')
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const path = join(dir, name);
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new VectorFileError(name, `not valid JSON (${(err as Error).message})`);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new VectorFileError(name, 'is not a JSON object');
    const schemaRef = data['$schema'];
    if (typeof schemaRef !== 'string') throw new VectorFileError(name, 'has no $schema');
    const schemaName = schemaRef.split('/').pop()!;
    const envelope = ajv.getSchema(ENVELOPE);
    const validate = ajv.getSchema(schemaName);
    if (validate === undefined || envelope === undefined) throw new VectorFileError(name, `names an unknown schema ${schemaRef}`);
    // The envelope first, so a file's own schema cannot loosen it.
    for (const [schema, check] of [
      [ENVELOPE, envelope],
      [schemaName, validate],
    ] as const) {
      if (!check(data)) {
        const first = check.errors
          ?.slice(0, 3)
          .map((e) => `${e.instancePath || '/'} ${e.message}`)
          .join('; ');
        throw new VectorFileError(name, `does not match ${schema}: ${first}`);
      }
    }
    const file = data as unknown as Omit<VectorFile, 'name' | 'path'>;
    // The list of schemes is the authority (the envelope's enum is checked against it in the tests).
    const scheme = schemeOf(file.scheme);
    if (scheme === undefined) throw new VectorFileError(name, `names the scheme ${file.scheme}, which is not in SCHEMES`);
    if (!scheme.operations.includes(file.operation)) {
      throw new VectorFileError(name, `names the operation ${file.operation}, which SCHEMES does not list for ${file.scheme}`);
    }
    const base = name.replace(/\.json$/, '');
    for (const c of file.cases) {
      if (!c.id.startsWith(`${base}-`)) throw new VectorFileError(name, `case id ${c.id} does not start with ${base}-`);
      const seen = ids.get(c.id);
      if (seen !== undefined) throw new VectorFileError(name, `case id ${c.id} is also used in ${seen}`);
      ids.set(c.id, name);
      for (const flag of c.flags) {
        if (!Object.hasOwn(file.notes, flag)) throw new VectorFileError(name, `case ${c.id} uses flag ${flag} that notes do not explain`);
      }
    }
    const cases = options.breaksSchema === true ? file.cases : file.cases.filter((c) => !c.flags.includes(BREAKS_SCHEMA));
    files.push({ ...file, cases, name: base, path });
  }
  return files;
}
