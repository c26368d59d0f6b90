import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVectors, SCHEMA_DIR, SCHEMES, VectorFileError } from '../src/index.js';
import { canonicalDir } from './helpers.js';
import { envelopeSchemaText, SCHEMAS_COMMAND } from '../../scripts/lib/schemas.js';

type Json = Record<string, any>;

/** A copy of the shipped vectors and schemas in a temp dir, with canonical-encoding.json changed by `edit`. */
function withEdited(edit: (file: Json) => void, name = 'canonical-encoding.json'): { dir: string; schemas: string } {
  const root = mkdtempSync(join(tmpdir(), 'reqsign-vectors-'));
  const dir = join(root, 'vectors');
  const schemas = join(root, 'schema');
  cpSync(canonicalDir(), dir, { recursive: true });
  cpSync(SCHEMA_DIR, schemas, { recursive: true });
  const file = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Json;
  edit(file);
  writeFileSync(join(dir, name), JSON.stringify(file));
  return { dir, schemas };
}

function rejection(edit: (file: Json) => void): VectorFileError {
  const { dir, schemas } = withEdited(edit);
  try {
    loadVectors(dir, schemas);
  } catch (err) {
    expect(err).toBeInstanceOf(VectorFileError);
    expect(err).toBeInstanceOf(Error);
    expect((err as VectorFileError).code).toBe('ERR_VECTOR_FILE');
    return err as VectorFileError;
  }
  throw new Error('the edited vectors were accepted');
}

describe('the list of schemes', () => {
  it('the envelope enum is written from SCHEMES, in their order, and the rest of the file is kept (the check can fail)', () => {
    const stale = '{\n  "properties": {\n    "scheme": { "enum": ["canonical"] },\n    "x": 1\n  }\n}\n';
    const written = envelopeSchemaText(stale);
    expect(written).not.toBe(stale);
    expect((JSON.parse(written) as Json)['properties']).toEqual({ scheme: { enum: SCHEMES.map((s) => s.id) }, x: 1 });
    expect(envelopeSchemaText(written)).toBe(written);
  });

  it("is the envelope schema's list too, and every shipped file is of a listed scheme and operation", () => {
    const text = readFileSync(join(SCHEMA_DIR, 'envelope.schema.json'), 'utf8');
    const envelope = JSON.parse(text) as Json;
    const ids = SCHEMES.map((s) => s.id);
    // The enum is generated from SCHEMES (scripts/schemas.ts): the file is what the command writes.
    expect(text, `schema/envelope.schema.json's scheme enum is not SCHEMES' ids: run ${SCHEMAS_COMMAND}`).toBe(envelopeSchemaText(text));
    expect(envelope['properties']['scheme']['enum']).toEqual(ids);
    for (const f of loadVectors()) expect(SCHEMES.find((s) => s.id === f.scheme)!.operations).toContain(f.operation);
    // Every listed operation has vectors.
    const files = loadVectors();
    for (const s of SCHEMES)
      for (const op of s.operations)
        expect(
          files.some((f) => f.scheme === s.id && f.operation === op),
          `${s.id} ${op}: add a vector file of it to conformance/vectors/ (and its schema to conformance/schema/)`,
        ).toBe(true);
  });

  it('refuses a file whose operation the scheme does not list, even where its schema would allow it', () => {
    const { dir, schemas } = withEdited((f) => {
      f['operation'] = 'decode';
    });
    const schemaFile = join(schemas, 'canonical-encoding.schema.json');
    writeFileSync(schemaFile, readFileSync(schemaFile, 'utf8').replace('"const": "encoding"', '"type": "string"'));
    expect(() => loadVectors(dir, schemas)).toThrow(/names the operation decode, which SCHEMES does not list for canonical/);
  });
});

describe('loading vectors', () => {
  it('loads every shipped file, each case id prefixed by its file name and unique', () => {
    const files = loadVectors();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const ids = files.flatMap((f) => f.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of files) for (const c of f.cases) expect(c.id.startsWith(`${f.name}-`)).toBe(true);
  });

  it('an unchanged copy loads (so the rejections below are due to the edits)', () => {
    const { dir, schemas } = withEdited(() => {});
    expect(loadVectors(dir, schemas).map((f) => f.name)).toEqual([
      'canonical-date',
      'canonical-encoding',
      'canonical-query',
      'canonical-target',
    ]);
  });

  it('rejects a file that fails its schema', () => {
    const err = rejection((f) => {
      f['cases'][0]['expected'] = { result: 'maybe' };
    });
    expect(err.file).toBe('canonical-encoding.json');
    expect(err.message).toMatch(/^canonical-encoding\.json: does not match envelope\.schema\.json/);
  });

  it("rejects a file that fails its own schema's input shape", () => {
    const err = rejection((f) => {
      f['cases'][0]['input'] = { encoding: 'base32', hex: '' };
    });
    expect(err.message).toMatch(/does not match canonical-encoding\.schema\.json/);
  });

  it('a file cannot escape the envelope by naming a lax schema', () => {
    const { dir, schemas } = withEdited((f) => {
      f['$schema'] = '../schema/lax.schema.json';
      f['cases'][0]['expected'] = { result: 'maybe' };
    });
    writeFileSync(join(schemas, 'lax.schema.json'), '{}');
    expect(() => loadVectors(dir, schemas)).toThrow(/does not match envelope\.schema\.json/);
  });

  it('rejects a duplicate id', () => {
    const err = rejection((f) => {
      f['cases'][1]['id'] = f['cases'][0]['id'];
    });
    expect(err.message).toBe('canonical-encoding.json: case id canonical-encoding-001 is also used in canonical-encoding.json');
  });

  it('rejects an id that does not start with the file name', () => {
    const err = rejection((f) => {
      f['cases'][0]['id'] = 'canonical-date-999';
    });
    expect(err.message).toContain('case id canonical-date-999 does not start with canonical-encoding-');
  });

  it('rejects a flag that notes do not explain, also one named like an Object property', () => {
    expect(rejection((f) => f['cases'][0]['flags'].push('Unexplained')).message).toBe(
      'canonical-encoding.json: case canonical-encoding-001 uses flag Unexplained that notes do not explain',
    );
    expect(rejection((f) => f['cases'][0]['flags'].push('constructor')).message).toContain('uses flag constructor');
  });

  it('rejects a file that is not JSON or names no schema', () => {
    const root = mkdtempSync(join(tmpdir(), 'reqsign-vectors-'));
    writeFileSync(join(root, 'broken.json'), '{"cases": [');
    expect(() => loadVectors(root)).toThrow(/^broken\.json: not valid JSON/);
    writeFileSync(join(root, 'broken.json'), '[]');
    expect(() => loadVectors(root)).toThrow('broken.json: is not a JSON object');
    writeFileSync(join(root, 'broken.json'), '{}');
    expect(() => loadVectors(root)).toThrow('broken.json: has no $schema');
    writeFileSync(join(root, 'broken.json'), '{"$schema": "nope.schema.json"}');
    expect(() => loadVectors(root)).toThrow('broken.json: names an unknown schema nope.schema.json');
  });
});

describe('loading vectors from a path that is no vector directory', () => {
  it('throws a VectorFileError (ERR_VECTOR_FILE) naming the path, never a raw fs error or a TypeError', () => {
    for (const dir of ['/proc/nope', '/dev/null', '', 'a\u0000b', 42, null]) {
      expect(() => loadVectors(dir as never)).toThrow(VectorFileError);
      expect(() => loadVectors(undefined, dir as never)).toThrow(expect.objectContaining({ code: 'ERR_VECTOR_FILE' }));
    }
    expect(() => loadVectors('/proc/nope')).toThrow(/"\/proc\/nope": is no readable vector directory \(ENOENT\)/);
  });
});
