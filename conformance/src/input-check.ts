/**
 * The check every port makes of a request's input before anything else (PROTOCOL.md, "Inputs that break the
 * schema"): the input against its operation's schema, `definitions.input` of `schema/<file>.schema.json`, the one
 * source of the rule. A small validator of the JSON Schema keywords those schemas use (the reference Python port has
 * the same one, `conformance/ports/python/reqsign_port.py`); a schema that uses another keyword is refused when it is
 * read, so that a new keyword cannot be ignored silently. No `node:` import: hosts without Node use it too.
 *
 * - `null` is absent (PROTOCOL.md): a member whose value is `null` is dropped before the check, at the top level and
 *   inside `options` and `date` (not inside a key: a JWK's `"alg": null` is an algorithm), except a top-level member
 *   whose schema allows `null` (nog-v1 `sign`'s `nonce`). The handler gets the input without them.
 * - A number where the schema wants an integer, or outside its `minimum`/`maximum`, is `ERR_OPTION_RANGE` (the code
 *   of the libraries' range checks); every other break is `ERR_VECTOR_INPUT`, which wins when both occur.
 * - Messages name the member and the rule, never the value (an input holds secrets).
 */

type Json = unknown;
type Schema = Readonly<Record<string, unknown>>;

/** The codes of {@link checkInput}. */
export type InputCheckCode = 'ERR_VECTOR_INPUT' | 'ERR_OPTION_RANGE';

export type InputCheck =
  | { readonly ok: true; readonly input: Record<string, unknown> }
  | { readonly ok: false; readonly code: InputCheckCode; readonly message: string };

const KNOWN = new Set([
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'pattern',
  'minimum',
  'maximum',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'definitions',
]);

interface Fault {
  readonly range: boolean;
  readonly message: string;
}

/** The schema documents by file name (`nops-sign.schema.json`), to resolve `$ref`s between them. */
export type SchemaDocs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** A schema document this validator cannot use (a keyword it does not know, a `$ref` to nothing): `ERR_SCHEMA`. */
function schemaError(message: string): Error & { code: 'ERR_SCHEMA' } {
  return Object.assign(new Error(message), { code: 'ERR_SCHEMA' as const });
}

function pointer(doc: Schema, ref: string): Schema {
  let at: unknown = doc;
  for (const part of ref
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')) {
    at = (at as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (typeof at !== 'object' || at === null) throw schemaError(`schema $ref ${ref} names nothing`);
  return at as Schema;
}

function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isType(v: Json, type: string): boolean {
  switch (type) {
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
    case 'string':
    case 'boolean':
      return typeof v === type;
    default:
      throw schemaError(`schema type ${type} is not one this validator knows`);
  }
}

function same(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || a === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    // Not JSON (a BigInt, a cycle): no schema value is such.
    return false;
  }
}

class Validator {
  readonly #docs: SchemaDocs;
  constructor(docs: SchemaDocs) {
    this.#docs = docs;
  }

  /** Every keyword of every schema reachable from `schema`, checked once (a keyword it does not know throws). */
  audit(schema: Schema, doc: string, seen = new Set<Schema>()): void {
    if (seen.has(schema)) return;
    seen.add(schema);
    for (const k of Object.keys(schema))
      if (!KNOWN.has(k)) throw schemaError(`${doc}: schema keyword ${k} is not one this validator knows`);
    const subs: Schema[] = [];
    for (const k of ['oneOf', 'anyOf', 'allOf'] as const) if (Array.isArray(schema[k])) subs.push(...(schema[k] as Schema[]));
    for (const k of ['not', 'items'] as const) if (typeof schema[k] === 'object') subs.push(schema[k] as Schema);
    if (typeof schema['additionalProperties'] === 'object') subs.push(schema['additionalProperties'] as Schema);
    if (typeof schema['properties'] === 'object') subs.push(...Object.values(schema['properties'] as Record<string, Schema>));
    for (const s of subs) this.audit(s, doc, seen);
    if (typeof schema['$ref'] === 'string') {
      const [target, at] = this.resolve(schema['$ref'], doc);
      this.audit(target, at, seen);
    }
  }

  resolve(ref: string, doc: string): [Schema, string] {
    const hash = ref.indexOf('#');
    const file = hash <= 0 ? (hash === 0 ? doc : ref) : ref.slice(0, hash);
    const target = this.#docs[file];
    if (target === undefined) throw schemaError(`schema $ref ${ref} names an unknown document`);
    return [pointer(target, hash < 0 ? '' : ref.slice(hash)), file];
  }

  faults(schema: Schema, v: Json, path: string, doc: string): Fault[] {
    const out: Fault[] = [];
    const structure = (message: string) => out.push({ range: false, message: `${path} ${message}` });
    const range = (message: string) => out.push({ range: true, message: `${path} ${message}` });
    if (typeof schema['$ref'] === 'string') {
      const [target, at] = this.resolve(schema['$ref'], doc);
      out.push(...this.faults(target, v, path, at));
    }
    const type = schema['type'];
    if (type !== undefined) {
      const types = Array.isArray(type) ? (type as string[]) : [type as string];
      if (!types.some((t) => isType(v, t))) {
        // A fraction where an integer is wanted is out of range, like the libraries' range checks say.
        if (types.includes('integer') && typeof v === 'number') range('must be a whole number');
        else structure(`must be ${types.join(' or ')}, not ${typeName(v)}`);
        return out;
      }
    }
    if (Array.isArray(schema['enum']) && !(schema['enum'] as Json[]).some((e) => same(e, v))) {
      structure(`must be one of ${(schema['enum'] as Json[]).map((e) => JSON.stringify(e)).join(', ')}`);
    }
    if ('const' in schema && !same(schema['const'], v)) structure(`must be ${JSON.stringify(schema['const'])}`);
    if (typeof v === 'number') {
      if (typeof schema['minimum'] === 'number' && v < schema['minimum']) range(`must be ${schema['minimum']} or more`);
      if (typeof schema['maximum'] === 'number' && v > schema['maximum']) range(`must be ${schema['maximum']} or less`);
    }
    if (typeof v === 'string' && typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(v)) {
      structure(`must match ${schema['pattern']}`);
    }
    if (Array.isArray(v)) {
      if (typeof schema['minItems'] === 'number' && v.length < schema['minItems'])
        structure(`must have ${schema['minItems']} items or more`);
      if (typeof schema['maxItems'] === 'number' && v.length > schema['maxItems'])
        structure(`must have ${schema['maxItems']} items or fewer`);
      if (typeof schema['items'] === 'object')
        for (const [i, item] of v.entries()) out.push(...this.faults(schema['items'] as Schema, item, `${path}/${i}`, doc));
    }
    if (isType(v, 'object')) {
      const o = v as Record<string, Json>;
      for (const name of (schema['required'] as string[] | undefined) ?? []) if (!Object.hasOwn(o, name)) structure(`must have ${name}`);
      const props = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
      for (const [name, value] of Object.entries(o)) {
        const p = Object.hasOwn(props, name) ? props[name] : undefined;
        if (p !== undefined) out.push(...this.faults(p, value, `${path}/${name}`, doc));
        else if (schema['additionalProperties'] === false) structure(`has ${JSON.stringify(name)}, which the schema does not know`);
        else if (typeof schema['additionalProperties'] === 'object') {
          out.push(...this.faults(schema['additionalProperties'] as Schema, value, `${path}/${JSON.stringify(name)}`, doc));
        }
      }
    }
    for (const s of (schema['allOf'] as Schema[] | undefined) ?? []) out.push(...this.faults(s, v, path, doc));
    if (Array.isArray(schema['anyOf']) && !(schema['anyOf'] as Schema[]).some((s) => this.faults(s, v, path, doc).length === 0)) {
      structure('matches none of the forms the schema allows (anyOf)');
    }
    if (Array.isArray(schema['oneOf'])) {
      const n = (schema['oneOf'] as Schema[]).filter((s) => this.faults(s, v, path, doc).length === 0).length;
      if (n !== 1)
        structure(n === 0 ? 'matches none of the forms the schema allows (oneOf)' : 'matches more than one form (oneOf): give exactly one');
    }
    if (typeof schema['not'] === 'object' && this.faults(schema['not'] as Schema, v, path, doc).length === 0) {
      structure('has a form the schema excludes (not)');
    }
    return out;
  }
}

/** PROTOCOL.md: null is absent in an optional field of the input, also inside `options` and `date` (not in a key). */
const NULL_IS_ABSENT_INSIDE = new Set(['options', 'date']);
function dropNulls(v: Json, keep: ReadonlySet<string>, depth = 0): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null && !keep.has(k)) continue;
    out[k] = depth === 0 && NULL_IS_ABSENT_INSIDE.has(k) ? dropNulls(x, new Set(), 1) : x;
  }
  return out;
}

/** The input checker of one schema file: `docs` holds every schema file by name, `file` names the operation's. */
export function inputChecker(docs: SchemaDocs, file: string): (input: unknown) => InputCheck {
  const v = new Validator(docs);
  const [schema] = v.resolve('#/definitions/input', file);
  v.audit(schema, file);
  const props = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
  const nullable = new Set(
    Object.entries(props)
      .filter(([, p]) => (Array.isArray(p['type']) ? (p['type'] as string[]) : [p['type']]).includes('null'))
      .map(([k]) => k),
  );
  return (raw) => {
    const input = dropNulls(raw, nullable);
    const faults = v.faults(schema, input, 'input', file);
    if (faults.length === 0) return { ok: true, input: input as Record<string, unknown> };
    const first = faults.find((f) => !f.range) ?? faults[0]!;
    return { ok: false, code: first.range ? 'ERR_OPTION_RANGE' : 'ERR_VECTOR_INPUT', message: first.message };
  };
}

/**
 * The input checkers of every operation, keyed `scheme/operation`, from every schema document by file name (each
 * operation's file says its scheme and operation as `const`s).
 */
export function inputCheckers(docs: SchemaDocs): Readonly<Record<string, (input: unknown) => InputCheck>> {
  const out: Record<string, (input: unknown) => InputCheck> = {};
  for (const [file, doc] of Object.entries(docs)) {
    const props = ((doc['allOf'] as Schema[] | undefined)?.[1]?.['properties'] ?? {}) as Record<string, Schema>;
    const scheme = props['scheme']?.['const'];
    const operation = props['operation']?.['const'];
    if (typeof scheme === 'string' && typeof operation === 'string') out[`${scheme}/${operation}`] = inputChecker(docs, file);
  }
  return out;
}
