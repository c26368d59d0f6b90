/**
 * The input check every port makes before anything else (PROTOCOL.md, "Inputs that break the schema"): our small
 * validator against Ajv (an independent implementation of JSON Schema) over the vector inputs changed member by
 * member, the Python port's twin against ours on the same inputs, and the loader's handling of the cases flagged
 * BreaksSchema.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputChecker, loadInputCheckers, loadVectors, SCHEMA_DIR, VECTORS_DIR } from '../src/index.js';
import { PYTHON_PORT } from './helpers.js';
import { requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3');

const docs: Record<string, Record<string, unknown>> = Object.fromEntries(
  readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')) as Record<string, unknown>]),
);
const ajv = new Ajv({ strict: false, allErrors: false });
for (const [name, doc] of Object.entries(docs)) ajv.addSchema(doc, name);
const FILES = loadVectors(VECTORS_DIR, SCHEMA_DIR, { breaksSchema: true });
const checkers = loadInputCheckers();

/** Ajv's verdict on the input with PROTOCOL.md's nulls dropped (top level, options, date; nonce kept). */
function ajvAccepts(file: string, input: unknown): boolean {
  const validate = ajv.getSchema(`${file}.schema.json#/definitions/input`)!;
  const drop = (o: unknown, keep: string[], deep: boolean): unknown =>
    typeof o !== 'object' || o === null || Array.isArray(o)
      ? o
      : Object.fromEntries(
          Object.entries(o)
            .filter(([k, v]) => v !== null || keep.includes(k))
            .map(([k, v]) => [k, deep && (k === 'options' || k === 'date') ? drop(v, [], false) : v]),
        );
  return validate(drop(input, file === 'nog-sign' ? ['nonce'] : [], true)) as boolean;
}

const VALUES = [
  null,
  0,
  -1,
  1,
  1.5,
  1e20,
  2 ** 53,
  2 ** 53 - 1,
  3600,
  3601,
  86_400,
  86_401,
  '',
  'x',
  'day',
  'UTC',
  true,
  [],
  {},
  { epochMs: 0 },
];
type Input = Record<string, unknown>;
/** One change to an input: a member removed, set to another value, added, or a nested option or date member set. */
const change = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(...VALUES) }),
  fc.record({
    op: fc.constant('add' as const),
    name: fc.constantFrom('extra', 'timeZone', 'text', 'epochMs', 'hex', 'message', 'url', 'privateKeyJwk', 'options', 'maxUrlLength'),
    value: fc.constantFrom(...VALUES),
  }),
  fc.record({
    op: fc.constant('nested' as const),
    parent: fc.constantFrom('options', 'date'),
    name: fc.constantFrom(
      'maxClockSkew',
      'defaultExpires',
      'maxExpires',
      'maxExpiresWithNonce',
      'maxUrlLength',
      'nonceStoreMaxEntries',
      'requireNonce',
      'epochMs',
      'day',
      'timeZone',
      'bogus',
    ),
    value: fc.constantFrom(...VALUES),
  }),
);
type Change =
  | { op: 'drop'; at: number }
  | { op: 'set'; at: number; value: unknown }
  | { op: 'add'; name: string; value: unknown }
  | { op: 'nested'; parent: string; name: string; value: unknown };
function apply(input: Input, c: Change): Input {
  const out: Input = structuredClone(input);
  const keys = Object.keys(out);
  if (c.op === 'drop' && keys.length > 0) delete out[keys[c.at % keys.length]!];
  if (c.op === 'set' && keys.length > 0) out[keys[c.at % keys.length]!] = c.value;
  if (c.op === 'add') out[c.name] = c.value;
  if (c.op === 'nested') {
    const parent = typeof out[c.parent] === 'object' && out[c.parent] !== null ? (out[c.parent] as Input) : {};
    out[c.parent] = { ...parent, [c.name]: c.value };
  }
  return out;
}
const inputs = fc
  .tuple(
    fc.constantFrom(...FILES.flatMap((f) => f.cases.map((c) => ({ file: f, input: c.input })))),
    fc.array(change, { minLength: 0, maxLength: 3 }),
  )
  .map(([{ file, input }, changes]) => ({ file, input: (changes as Change[]).reduce(apply, input) }));

describe('the input check', () => {
  it('agrees with Ajv on whether an input breaks its schema, over the vector inputs changed member by member', () => {
    let broken = 0;
    fc.assert(
      fc.property(inputs, ({ file, input }) => {
        const ours = checkers[`${file.scheme}/${file.operation}`]!(input);
        const theirs = ajvAccepts(file.name, input);
        expect(ours.ok, JSON.stringify(input).slice(0, 300)).toBe(theirs);
        if (!ours.ok) broken++;
      }),
      { numRuns: 3000, seed: 31 },
    );
    // Most changes break the schema; a fair number keep it: both sides of the comparison are exercised.
    expect(broken).toBeGreaterThan(1000);
    expect(broken).toBeLessThan(2900);
  });

  it('answers every vector flagged BreaksSchema with its code, and accepts every other vector input', () => {
    for (const f of FILES) {
      for (const c of f.cases) {
        const r = checkers[`${f.scheme}/${f.operation}`]!(c.input);
        if (c.flags.includes('BreaksSchema')) expect(r, c.id).toMatchObject({ ok: false, code: (c.expected as { error: string }).error });
        else expect(r.ok, c.id).toBe(true);
      }
    }
  });

  it('the Python port answers the same code as ours for every input (one process for all)', () => {
    const sample = fc.sample(inputs, { numRuns: 1500, seed: 7 });
    const requests = sample.map(({ file, input }) => ({ scheme: file.scheme, operation: file.operation, input }));
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(PYTHON_PORT, '..'))})`,
      'import reqsign_port as p',
      's = p.InputSchemas()',
      'out = []',
      'for r in json.load(sys.stdin):',
      '    try:',
      '        s.check(r["scheme"], r["operation"], r["input"]); out.append("ok")',
      '    except p.PortError as e:',
      '        out.append(e.code)',
      'print(json.dumps(out))',
    ].join('\n');
    const python = JSON.parse(
      execFileSync('python3', ['-c', script], { input: JSON.stringify(requests), maxBuffer: 1 << 26 }).toString(),
    ) as string[];
    const ours = sample.map(({ file, input }) => {
      const r = checkers[`${file.scheme}/${file.operation}`]!(input);
      return r.ok ? 'ok' : r.code;
    });
    const differ = ours.flatMap((code, i) => (code === python[i] ? [] : [{ input: sample[i]!.input, ours: code, python: python[i] }]));
    expect(differ.slice(0, 3)).toEqual([]);
    expect(new Set(ours)).toEqual(new Set(['ok', 'ERR_VECTOR_INPUT', 'ERR_OPTION_RANGE']));
  });

  it('refuses a schema with a keyword it does not know, rather than ignoring it', () => {
    const doc = structuredClone(docs['canonical-query.schema.json']!) as { definitions: { input: Record<string, unknown> } };
    doc.definitions.input['patternProperties'] = { '^x': { type: 'string' } };
    expect(() => inputChecker({ ...docs, 'canonical-query.schema.json': doc }, 'canonical-query.schema.json')).toThrow(/patternProperties/);
    const py = `import sys; sys.path.insert(0, ${JSON.stringify(join(PYTHON_PORT, '..'))}); import reqsign_port as p; p.SCHEMA_KEYWORDS.discard("pattern"); p.InputSchemas()`;
    expect(() => execFileSync('python3', ['-c', py], { stdio: 'pipe' })).toThrow(/pattern/);
  });

  it('null is absent at the top level and in options and date, not inside a key', () => {
    const check = checkers['nops/sign']!;
    const jwk = FILES.find((f) => f.name === 'nops-sign')!.cases.find((c) => c.input['privateKeyJwk'] !== undefined)!.input;
    const r = check({ ...jwk, apiKeyIn: null, date: { epochMs: 0, timeZone: null } });
    expect(r).toMatchObject({ ok: true, input: { date: { epochMs: 0 } } });
    expect((r as { input: Record<string, unknown> }).input).not.toHaveProperty('apiKeyIn');
    const withAlg = check({ ...jwk, privateKeyJwk: { ...(jwk['privateKeyJwk'] as object), alg: null } });
    expect((withAlg as { input: { privateKeyJwk: object } }).input.privateKeyJwk).toHaveProperty('alg', null);
    expect(checkers['nog-v1/sign']!({ ...FILES.find((f) => f.name === 'nog-sign')!.cases[0]!.input, nonce: null })).toMatchObject({
      ok: true,
      input: { nonce: null },
    });
  });
});

describe('vectors flagged BreaksSchema', () => {
  it('are left out by default, kept on request', () => {
    const all = FILES.reduce((n, f) => n + f.cases.length, 0);
    const plain = loadVectors().reduce((n, f) => n + f.cases.length, 0);
    const flagged = FILES.reduce((n, f) => n + f.cases.filter((c) => c.flags.includes('BreaksSchema')).length, 0);
    expect(flagged).toBeGreaterThan(100);
    expect(plain).toBe(all - flagged);
    // Every operation has some.
    for (const f of FILES)
      expect(
        f.cases.some((c) => c.flags.includes('BreaksSchema')),
        f.name,
      ).toBe(true);
  });

  it('a flagged case whose input fits the schema, or one that expects another code, is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reqsign-breaks-'));
    const file = JSON.parse(readFileSync(join(VECTORS_DIR, 'canonical-query.json'), 'utf8')) as { cases: Record<string, unknown>[] };
    const base = file.cases.find((c) => (c['flags'] as string[]).includes('BreaksSchema'))!;
    file.cases = [{ ...base, input: { target: '/p' } }];
    writeFileSync(join(dir, 'canonical-query.json'), JSON.stringify(file));
    expect(() => loadVectors(dir)).toThrow(/does not match canonical-query.schema.json/);
    file.cases = [{ ...base, expected: { result: 'invalid', error: 'ERR_QUERY_ENCODING' } }];
    writeFileSync(join(dir, 'canonical-query.json'), JSON.stringify(file));
    expect(() => loadVectors(dir)).toThrow(/does not match canonical-query.schema.json/);
    file.cases = [{ ...base, flags: [] }];
    writeFileSync(join(dir, 'canonical-query.json'), JSON.stringify(file));
    expect(() => loadVectors(dir)).toThrow(/does not match canonical-query.schema.json/);
  });
});
