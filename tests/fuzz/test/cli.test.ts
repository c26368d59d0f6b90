import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as cli from '@reqsign/cli';
import * as port from '@reqsign/cli/port';
import { loadVectors } from '@reqsign/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { hostile, near, text } from './arbitraries.js';
import { expectClean, fuzz, isCodedError, unfuzzedExports } from './harness.js';
import { KEY, SECRET, signedUrls } from './signed.js';
import { SCHEMES } from '../../../conformance/src/schemes.js';

const dir = mkdtempSync(join(tmpdir(), 'reqsign-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** Pieces of the private key's body: none may ever show on stdout or stderr. */
const PEM_PIECES = PRIVATE_PEM.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
const file = (name: string, content: string | Buffer): string => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const FILES = {
  private: file('private.pem', PRIVATE_PEM),
  public: file('public.pem', publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  keys: file('keys.json', JSON.stringify({ [KEY.id]: SECRET })),
  big: file('big', Buffer.alloc(1024 * 1024 + 1, 'a')),
  jwkish: file('jwkish', '{"kty":"RSA","n":1}'),
  fifo: join(dir, 'fifo'),
  dir: join(dir, 'a-directory'),
};
execFileSync('mkfifo', [FILES.fifo]);
mkdirSync(FILES.dir);

/** The commands: every one but `conformance` (it spawns the suite) and `keygen` with a size it would generate. */
const GROUPS = SCHEMES.flatMap((s) => (s.command === undefined || s.cli === undefined ? [] : [[s.command, s.cli] as const]));
const command = fc.constantFrom<string[]>(
  ...GROUPS.flatMap(([g, cli]) =>
    Object.keys(cli.commands)
      .filter((c) => c !== 'keygen')
      .map((c) => [g, c]),
  ),
  ...GROUPS.map(([g]) => [g]),
  [],
);
const OPTIONS = [
  '--date',
  '--expires',
  '--nonce',
  '--no-nonce',
  '--json',
  '--now',
  '--keys',
  '--expected-url',
  '--api-key',
  '--private-key',
  '--public-key',
  '--api-key-in',
  '--signature',
  '--curl',
  '--help',
  '-h',
  '--version',
  '--',
  '-',
  '--nope',
  '--date=2015-04-20',
];
const VALUES = [
  'GET',
  'get',
  'POST',
  'https://h.example/p?x=1',
  '/p',
  '/api/blobs/abc',
  '2015-04-20T12:34:56Z',
  '2015-04-20',
  '2026-01-02T03:04:05Z',
  '600',
  '0',
  '-1',
  '1e400',
  '99999999999999999999999999',
  'abcdef0123',
  'query',
  'header',
  'key123',
  'AAAA',
  'a\nb',
  'x\u0000y',
  '\r\n',
  '',
  ' ',
  'é\u{1F600}',
  '/dev/zero',
  '/proc/nope',
  '/dev/stdin',
  ...Object.values(FILES),
];
/** The first word as a user may mistype it: the hostile ones must not be echoed raw. */
const firstWord = fc.constantFrom(
  ...GROUPS.map(([g]) => g),
  `${GROUPS[0]![0]}g`,
  'sign',
  'a\nb',
  '\u001b[31mred',
  'x\u0000',
  '--help',
  '--version',
  '-V',
  '',
);
const argv = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(command, fc.array(fc.oneof(fc.constantFrom(...OPTIONS), fc.constantFrom(...VALUES), signedUrls, text), { maxLength: 10 }))
      .map(([c, rest]) => [...c, ...rest]),
  },
  { weight: 1, arbitrary: fc.tuple(firstWord, fc.array(fc.constantFrom(...VALUES), { maxLength: 3 })).map(([w, rest]) => [w, ...rest]) },
  // keygen, only with a size it refuses (a real size would generate a key: slow, and not what this fuzzes).
  {
    weight: 1,
    arbitrary: fc.constantFrom('0', '-8', '1023', '16392', 'x', '', '2048\n', '1e3').map((bits) => ['nops', 'keygen', '--bits', bits]),
  },
);
const env = fc.oneof(
  fc.constant({ NOG_KEYID: KEY.id, NOG_SECRETKEY: SECRET }),
  fc.constant({}),
  fc.record(
    { NOG_KEYID: fc.oneof(fc.constant(KEY.id), text), NOG_SECRETKEY: fc.oneof(fc.constant(SECRET), fc.constant('')) },
    { requiredKeys: [] },
  ),
);
/**
 * A standard input that never ends (a terminal nobody types into): the command waits, as cat does. It says when it is
 * read, so the fuzz knows the command is waiting on it, whatever the machine's speed.
 */
let readForever: (() => void) | undefined;
const NEVER_ENDS = (): Promise<string> => {
  readForever?.();
  return new Promise<string>(() => {});
};
const stdin = fc.constantFrom<unknown>(
  undefined,
  async () => '/p?x=1',
  async () => 'GET\n/p\n',
  async () => 'a\nb\u0000',
  async () => {
    throw Object.assign(new Error('standard input holds more than 65536 bytes'), { code: 'ERR_USAGE' });
  },
  NEVER_ENDS,
);

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly argv: readonly string[];
}

describe('@reqsign/cli', () => {
  it('has an entry for every exported function', () => {
    expect(unfuzzedExports(cli, ['main'])).toEqual([]);
    expect(unfuzzedExports(port, ['schemeHandlers'])).toEqual([]);
  });

  it('main: exits 0, 1 or 2 with one line per error on stderr, no stack, no secret, for any command line', async () => {
    const codes: Record<string, number> = {};
    const summary = await fuzz(
      'cli.main',
      fc.tuple(argv, env, stdin),
      async (args, e, input) => {
        let stdout = '';
        let stderr = '';
        const io = {
          stdout: (t: string) => {
            stdout += t;
          },
          stderr: (t: string) => {
            stderr += t;
          },
          env: e,
          ...(input === undefined ? {} : { stdin: input as (max: number) => Promise<string> }),
        };
        // A command that reads a standard input that never ends waits on it (the caller's hang, not the command's):
        // the fuzz stops waiting once it is read. Any other answer may take as long as it takes on a loaded machine;
        // the harness calls one that never comes a hang.
        const waiting = new Promise<'waiting'>((resolve) => {
          readForever = () => resolve('waiting');
        });
        try {
          const code = await Promise.race([cli.main(args, io), waiting]);
          return { code, stdout, stderr, argv: args } as Ran;
        } finally {
          readForever = undefined;
        }
      },
      {
        secrets: [SECRET],
        check: (value) => {
          const r = value as Ran;
          if ((r.code as unknown) === 'waiting') {
            expect(r.argv).toContain('-');
            return;
          }
          expect([0, 1, 2]).toContain(r.code);
          codes[r.code] = (codes[r.code] ?? 0) + 1;
          if (r.stderr !== '') {
            // One line per error, each naming the program: a caller's newline is never echoed raw.
            for (const line of r.stderr.replace(/\n$/, '').split('\n')) expect(line).toMatch(/^reqsign( [a-z]+){0,2}: /);
            expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
            expect(r.stderr).not.toMatch(/[\u0000\u001b]/);
          }
          // A usage error says why; an invalid signature (1) is the result on stdout.
          if (r.code === 2) expect(r.stderr).not.toBe('');
          for (const out of [r.stdout, r.stderr]) {
            expect(out).not.toContain(SECRET);
            for (const piece of PEM_PIECES) expect(out).not.toContain(piece);
          }
        },
      },
    );
    expectClean(summary);
    // Commands that did their work, verified invalid, and refused: every exit path was reached.
    console.log('cli.main exit codes', codes);
    expect(Object.keys(codes).sort()).toEqual(['0', '1', '2']);
  });

  it('@reqsign/cli/port schemeHandlers: every handler answers hostile data or throws a coded error', async () => {
    const tables = { node: await port.schemeHandlers(false), webcrypto: await port.schemeHandlers(true) };
    const cases = loadVectors().flatMap((f) => f.cases.map((c) => ({ scheme: f.scheme, operation: f.operation, input: c.input })));
    // Each handler of each build gets cases from its own vectors, with fields replaced, removed or added.
    const data = fc.tuple(
      fc.constantFrom(...cases),
      fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom('replace', 'remove', 'deep'), near(hostile)), { maxLength: 3 }),
    );
    const summary = await fuzz(
      'cli/port.schemeHandlers',
      fc.tuple(fc.constantFrom('node', 'webcrypto'), data),
      async (build, [c, edits]) => {
        const input: Record<string, unknown> = structuredClone(c.input);
        const names = Object.keys(input);
        for (const [name, kind, value] of edits) {
          const key = names.length > 0 && kind !== 'deep' ? names[name.length % names.length]! : name;
          if (kind === 'remove') delete input[key];
          else if (kind === 'deep' && typeof input['options'] === 'object' && input['options'] !== null)
            (input['options'] as Record<string, unknown>)[name] = value;
          else input[key] = value;
        }
        const handler = tables[build as 'node' | 'webcrypto'][c.scheme][c.operation];
        expect(handler).toBeTypeOf('function');
        return handler!(input);
      },
      // The nops cases sign and verify with RSA keys up to 4096 bits (a few ms each): 3,000 inputs keep the file
      // within its time.
      { typed: isCodedError, runs: 3000 },
    );
    expectClean(summary);
  });
});
