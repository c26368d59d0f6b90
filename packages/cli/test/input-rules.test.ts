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

/**
 * What JSON text itself can say and a serializer never writes (PROTOCOL.md, "Inputs that break the schema"): number
 * forms of one value, a member given twice, a pattern's end and digits, a clock that fits its pattern and names no
 * instant. Written as raw lines to each port (the runner's serializer writes `1e3` as `1000`).
 */
const RAW: ReadonlyArray<readonly [string, string, string, (answer: Record<string, unknown>) => unknown]> = (() => {
  const verify = JSON.stringify(shipped('nog-verify', 'nog-verify-001').input);
  const sequence = shipped('nog-replay', 'nog-replay-001').input as { requests: Array<Record<string, unknown>> };
  const error = (code: string) => (a: Record<string, unknown>) => expect((a['error'] as { code?: unknown } | undefined)?.code).toBe(code);
  const target = (t: string) => (a: Record<string, unknown>) => expect((a['output'] as { target?: unknown } | undefined)?.target).toBe(t);
  const withNow = (now: string) => verify.replace(/"now":"[^"]*"/, `"now":${JSON.stringify(now)}`);
  const lateNow = JSON.stringify({
    ...sequence,
    requests: sequence.requests.map((r, i) => (i === 1 ? { ...r, now: '2015-02-29T000000Z' } : r)),
  });
  return [
    ['canonical', 'target', '{"url":"/p","maxLength":1e3}', target('/p')],
    ['canonical', 'target', '{"url":"/p","maxLength":1.0}', error('ERR_TARGET_TOO_LONG')],
    ['canonical', 'target', '{"url":"/p","maxLength":10e-1}', error('ERR_TARGET_TOO_LONG')],
    ['canonical', 'target', '{"url":"/p","maxLength":2E0}', target('/p')],
    ['canonical', 'target', '{"url":"/p","maxLength":-0}', error('ERR_OPTION_RANGE')],
    ['canonical', 'target', '{"url":"/p","maxLength":2.5}', error('ERR_OPTION_RANGE')],
    ['canonical', 'target', '{"url":5,"url":"/p"}', target('/p')],
    ['canonical', 'target', '{"url":"/p","url":5}', error('ERR_VECTOR_INPUT')],
    [
      'nog-v1',
      'sign',
      JSON.stringify(nogSign).replace(/}$/, ',"maxUrlLength":1.6384e4}'),
      target(shipped(NOG, 'nog-sign-001').expected.output!['target'] as string),
    ],
    ['nog-v1', 'verify', withNow('2015-04-20T123556Z\n'), error('ERR_VECTOR_INPUT')],
    ['nog-v1', 'verify', withNow('\u0662\u0660\u0661\u0665-04-20T123556Z'), error('ERR_VECTOR_INPUT')],
    ['nog-v1', 'verify', withNow('2015-02-29T000000Z'), error('ERR_DATE_RANGE')],
    ['nog-v1', 'verify-sequence', lateNow, error('ERR_DATE_RANGE')],
  ] as const;
})();

describe('raw JSON text: number forms, a member twice, pattern ends and digits, an impossible clock (PROTOCOL.md)', () => {
  it.each(IMPLEMENTATIONS)(
    '$name answers each line as PROTOCOL.md says',
    async (impl) => {
      const { spawn } = await import('node:child_process');
      const child = spawn(impl.command, { shell: true, stdio: ['pipe', 'pipe', 'inherit'] });
      const lines: string[] = [];
      let buffered = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        lines.push(...parts.filter((l) => l !== ''));
      });
      for (const [i, [scheme, operation, input]] of RAW.entries()) {
        child.stdin.write(`{"type":"request","id":"r${i}","scheme":"${scheme}","operation":"${operation}","input":${input}}\n`);
      }
      child.stdin.end();
      await new Promise((resolve) => child.on('close', resolve));
      const answers = new Map(
        lines
          .slice(1)
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .map((a) => [a['id'], a]),
      );
      for (const [i, [scheme, operation, input, check]] of RAW.entries()) {
        const answer = answers.get(`r${i}`);
        expect(answer, `${scheme}/${operation} ${input}`).toBeDefined();
        try {
          check(answer!);
        } catch (e) {
          throw new Error(`${scheme}/${operation} ${input.slice(0, 120)}: ${JSON.stringify(answer).slice(0, 300)}\n${e}`);
        }
      }
    },
    60_000,
  );
});
