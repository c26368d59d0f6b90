/**
 * PROTOCOL.md, "Inputs that break the schema, bad option values, null": what every port answers for `null` members
 * (which no vector file holds: the file's schema refuses them) and for schema breaks beside other faults, held on the
 * TypeScript port (both crypto paths) and the reference Python port alike, one process each. The vectors flagged
 * BreaksSchema hold each kind of break per operation.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadVectors, runImplementation, type Scheme, type VectorCase, type VectorFile } from '@reqsign/conformance';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('python3', 'tzdata');

const PORT = fileURLToPath(new URL('../dist/port/main.js', import.meta.url));
const PYTHON_PORT = fileURLToPath(new URL('../../../conformance/ports/python/reqsign_port.py', import.meta.url));
const IMPLEMENTATIONS = [
  { name: 'typescript (node:crypto)', command: `${JSON.stringify(process.execPath)} ${JSON.stringify(PORT)}` },
  { name: 'typescript (WebCrypto)', command: `${JSON.stringify(process.execPath)} ${JSON.stringify(PORT)} --webcrypto` },
  { name: 'python', command: `python3 ${JSON.stringify(PYTHON_PORT)}` },
];

const vectors = loadVectors();
function shipped(name: string, id: string): VectorCase {
  const c = vectors.find((f) => f.name === name)?.cases.find((v) => v.id === id);
  if (c === undefined) throw new Error(`${id} missing`);
  return c;
}
/** A shipped case with its input changed: the same expectation (null is absent), or the error given. */
function variant(name: string, id: string, description: string, change: Record<string, unknown>, error?: string): VectorCase {
  const c = shipped(name, id);
  return {
    id: `${id}-${description.replace(/\W+/g, '-')}`,
    description,
    flags: [],
    input: { ...c.input, ...change },
    expected: error === undefined ? c.expected : { result: 'invalid', error },
  };
}
function file(name: string, scheme: Scheme, operation: string, cases: VectorCase[]): VectorFile {
  return { name, path: `${name}.json`, scheme, operation, version: '0.0.0', notes: {}, cases };
}

const NOG = 'nog-sign';
const nogSign = shipped(NOG, 'nog-sign-001').input;
const nopsSign = shipped('nops-sign', 'nops-sign-001').input;

const FILES: VectorFile[] = [
  file('nog-sign', 'nog-v1', 'sign', [
    // Schema-breaking input: ERR_VECTOR_INPUT.
    variant(NOG, 'nog-sign-001', 'no nonce (required: null is no authnonce, absent is no input)', { nonce: undefined }, 'ERR_VECTOR_INPUT'),
    variant(NOG, 'nog-sign-001', 'expires null (required)', { expires: null }, 'ERR_VECTOR_INPUT'),
    variant(NOG, 'nog-sign-001', 'expires as a string', { expires: '600' }, 'ERR_VECTOR_INPUT'),
    variant(NOG, 'nog-sign-001', 'method as a number', { method: 1 }, 'ERR_VECTOR_INPUT'),
    // null is absent where a field is optional.
    variant(NOG, 'nog-sign-001', 'maxUrlLength null is the default', { maxUrlLength: null }),
  ]),
  file('nog-verify', 'nog-v1', 'verify', [
    variant('nog-verify', 'nog-verify-001', 'options all null are the defaults', {
      options: {
        defaultExpires: null,
        maxExpiresWithNonce: null,
        maxExpires: null,
        maxClockSkew: null,
        requireNonce: null,
        maxUrlLength: null,
      },
    }),
    variant('nog-verify', 'nog-verify-001', 'now null (required)', { now: null }, 'ERR_VECTOR_INPUT'),
  ]),
  file('nops-sign', 'nops', 'sign', [
    variant('nops-sign', 'nops-sign-001', 'date epochMs as a string', { date: { epochMs: '0' } }, 'ERR_VECTOR_INPUT'),
    // A bad option value: ERR_INVALID_ARGUMENT, before every other check (here the key, URL and date are bad too).
    ...(['apiKeyIn', 'trailingSlash'] as const).flatMap((option) =>
      ['bogus', ''].map((value) =>
        variant(
          'nops-sign',
          'nops-sign-001',
          `${option} ${JSON.stringify(value)} before a bad apiKey, url and date`,
          { [option]: value, apiKey: '', url: 'ftp://x/', date: '2022-13-40' },
          'ERR_INVALID_ARGUMENT',
        ),
      ),
    ),
    variant('nops-sign', 'nops-sign-001', 'apiKeyIn and trailingSlash null are the defaults', { apiKeyIn: null, trailingSlash: null }),
  ]),
  file('nops-verify', 'nops', 'verify', [
    variant(
      'nops-verify',
      'nops-verify-001',
      'apiKeyIn bogus before a bad apiKey, url, date, signature and key',
      { message: undefined, url: 'ftp://x/', apiKey: '', date: '2022-13-40', apiKeyIn: 'bogus', signature: '', publicKeyPem: 'x' },
      'ERR_INVALID_ARGUMENT',
    ),
  ]),
  file('canonical-date', 'canonical', 'date', [
    variant('canonical-date', 'canonical-date-037', 'timeZone null is UTC', { timeZone: null }),
  ]),
];

describe('inputs that break the schema, bad option values, null (PROTOCOL.md)', () => {
  it.each(IMPLEMENTATIONS)(
    '$name answers each as PROTOCOL.md says',
    async (impl) => {
      expect(nogSign['nonce']).toBeTypeOf('string');
      expect(nopsSign['apiKeyIn'] ?? 'query').toBe('query');
      const report = await runImplementation(impl, FILES);
      expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
      expect(report.results).toHaveLength(FILES.reduce((n, f) => n + f.cases.length, 0));
    },
    60_000,
  );
});
