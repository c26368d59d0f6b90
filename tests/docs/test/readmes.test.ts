/**
 * Docs that run: every fenced TypeScript, JavaScript and Python block of every README is type-checked and run as a
 * user would paste it (network replaced by a local stub server), so that the docs cannot drift from the code.
 * How each block is checked: support/snippets.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors, SCHEMES } from '@reqsign/conformance';
import { createVerifier } from '@reqsign/nog';
import { verify as nopsVerify } from '@reqsign/nops';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { BIN, ROOT } from '../../../scripts/lib/workspace.js';
import { startRedisServer, type RedisServer } from '../../../packages/nog-redis/test/helpers/redisServer.js';
import { parseReadme, readmes, type Snippet } from './support/snippets.js';

requirePrograms('python3', 'redis-server');

/** The documentation key every README uses, and the nOps test key the nOps snippets find in their folder. */
const NOG = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const NOPS_API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
const KEYS = join(ROOT, 'packages', 'nops', 'test', 'fixtures', 'keys');

/**
 * Blocks in READMEs this change may not edit, known to be wrong, with why: each must still fail as described, so
 * that the entry goes once the README is fixed.
 */
/** Blocks known to hang, with the reason: none now (a block that hangs fails like any other). */
const KNOWN: Record<string, { readonly hangs: string }> = {};

const all = readmes(ROOT).map((r) => ({ readme: r, ...parseReadme(ROOT, r) }));
const snippets = all.flatMap((r) => r.snippets);
const work = join(ROOT, 'tests', 'docs', '.tmp');
const slug = (s: Snippet) => s.id.replace(/[^A-Za-z0-9]+/g, '-');

interface Received {
  readonly method: string;
  readonly target: string;
  readonly host: string | undefined;
  readonly signature: string | undefined;
  readonly apiKey: string | undefined;
}
const received: Received[] = [];
let stub: Server;
let stubUrl = '';
let cwd = '';
/** A real redis-server of the test's own, for nog-redis's blocks. */
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // The folder a user runs the snippets in: their key files, and a port of their own (the reference port).
  cwd = mkdtempSync(join(tmpdir(), 'reqsign-readme-'));
  copyFileSync(join(KEYS, 'rsa2048.pem'), join(cwd, 'nops_private_key.pem'));
  copyFileSync(join(KEYS, 'rsa2048.pub.pem'), join(cwd, 'nops_public_key.pem'));
  copyFileSync(join(ROOT, 'conformance', 'ports', 'python', 'reqsign_port.py'), join(cwd, 'my_port.py'));
  stub = createServer((req, res) => {
    const query = new URLSearchParams(req.url!.split('?')[1] ?? '');
    received.push({
      method: req.method!,
      target: req.url!,
      host: req.headers['x-routed-host'] as string | undefined,
      signature: req.headers['x-nops-signature'] as string | undefined,
      apiKey: (req.headers['x-nops-api-key'] as string | undefined) ?? query.get('api_key') ?? undefined,
    });
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await redis?.stop();
  await new Promise<void>((resolve) => stub.close(() => resolve()));
  rmSync(cwd, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** One module per block: the blocks it continues, then its own code; `export {}` keeps each a module of its own. */
const source = (s: Snippet): string => {
  const code = `${s.before}${s.code}`;
  return `${s.env === 'deno' ? code.replaceAll("from 'npm:", "from '") : code}\nexport {};\n`;
};

const DENO = `declare global {
  const Deno: {
    env: { get(name: string): string | undefined };
    serve(handler: (request: Request, info: unknown) => Response | Promise<Response>): unknown;
  };
}
export {};
`;

const ENV_SET = `declare global {
  namespace NodeJS {
    interface ProcessEnv { NOG_KEYID: string; NOG_SECRETKEY: string; NOPS_API_KEY: string }
  }
}
export {};
`;

/** The TypeScript programs the blocks are checked in: one per runtime, and the JavaScript blocks apart. */
const PROGRAMS = {
  'node-ts': { lang: 'ts', env: 'node', options: { strict: true, types: ['node'], lib: ['ES2022', 'DOM', 'DOM.Iterable'] } },
  // JavaScript: unknown names, wrong members and wrong argument types, with null checks (so that `if (result.ok)`
  // narrows), but no annotations asked for; the environment variables the examples read count as set.
  'node-js': {
    lang: 'js',
    env: 'node',
    options: { strict: false, strictNullChecks: true, allowJs: true, checkJs: true, types: ['node'], lib: ['ES2022', 'DOM'] },
  },
  'worker-ts': { lang: 'ts', env: 'worker', options: { strict: true, types: ['@cloudflare/workers-types'], lib: ['ES2022'] } },
  'deno-ts': { lang: 'ts', env: 'deno', options: { strict: true, types: [], lib: ['ES2022', 'DOM', 'DOM.Iterable'] } },
} as const;

function typeErrors(name: keyof typeof PROGRAMS): string[] {
  const program = PROGRAMS[name];
  const mine = snippets.filter((s) => s.lang === program.lang && s.env === program.env);
  if (mine.length === 0) return [];
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, Snippet>();
  for (const s of mine) {
    const file = `${slug(s)}.${s.lang === 'ts' ? 'mts' : 'mjs'}`;
    writeFileSync(join(dir, file), source(s));
    files.set(file, s);
  }
  if (program.env === 'deno') writeFileSync(join(dir, 'deno.d.mts'), DENO);
  if (program.lang === 'js') writeFileSync(join(dir, 'env.d.mts'), ENV_SET);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        noEmit: true,
        skipLibCheck: true,
        ...program.options,
      },
      include: ['*.mts', '*.mjs'],
    }),
  );
  try {
    execFileSync(join(BIN, 'tsc'), ['-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
    return [];
  } catch (err) {
    const out = String((err as { stdout?: string }).stdout ?? err);
    // Name each error by its README and line, not by the scratch file.
    return out
      .trim()
      .split('\n')
      .map((line) => {
        const m = /^(?:.*[\\/])?([^\\/(]+)\((\d+),\d+\): (.*)$/.exec(line);
        const s = m ? files.get(m[1]!) : undefined;
        if (!m || !s) return `${relative(ROOT, dir)}: ${line}`;
        const inOwn = Number(m[2]) - (s.before.split('\n').length - 1);
        return `${s.readme}:${s.line + inOwn} (${s.id}): ${m[3]}`;
      });
  }
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}
function run(command: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        env: {
          PATH: process.env.PATH ?? '',
          NOG_KEYID: NOG.id,
          NOG_SECRETKEY: NOG.secret,
          NOPS_API_KEY,
          NOPS_PRIVATE_KEY_FILE: join(cwd, 'nops_private_key.pem'),
          REDIS_URL: redis.url,
          REQSIGN_STUB: stubUrl,
        },
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : null, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

describe('README blocks type-check', () => {
  it('finds the blocks of every README (the test cannot pass by finding none)', () => {
    expect(all.map((r) => r.readme)).toEqual(
      expect.arrayContaining(['README.md', 'packages/nog-redis/README.md', 'conformance/ports/python/README.md']),
    );
    expect(snippets.filter((s) => s.lang !== 'python').length).toBeGreaterThan(20);
  });

  it.each(Object.keys(PROGRAMS) as (keyof typeof PROGRAMS)[])(
    '%s',
    (name) => {
      expect(typeErrors(name)).toEqual([]);
    },
    120_000,
  );
});

describe('README blocks run', () => {
  const runnable = snippets.filter((s) => s.mode === 'run' && s.lang !== 'python');
  it.each(runnable.map((s) => [s.id, s] as const))(
    '%s',
    async (_id, s) => {
      const dir = join(work, 'run');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${slug(s)}.${s.lang === 'ts' ? 'mts' : 'mjs'}`);
      writeFileSync(file, source(s));
      const preload = join(ROOT, 'tests', 'docs', 'fixtures', 'route-fetch.mjs');
      const known = KNOWN[s.id];
      const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
      const r = await run(process.execPath, ['--import', tsx, '--import', preload, file], known ? 10_000 : 60_000);
      if (known) {
        expect(r.signal, `${s.id} no longer hangs: remove it from KNOWN (${known.hangs})`).toBe('SIGKILL');
        return;
      }
      expect(r.code, `${s.readme}:${s.line}\n${r.stderr}`).toBe(0);
    },
    90_000,
  );

  it('sent every request signed as the scheme says, and the stub verified each one', async () => {
    const nog = createVerifier({ keys: { [NOG.id]: NOG.secret } });
    const publicKey = (await import('node:fs')).readFileSync(join(KEYS, 'rsa2048.pub.pem'), 'utf8');
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      if (r.signature !== undefined) {
        const days = [0, -1].map((d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10));
        const results = await Promise.all(
          days.map((date) =>
            nopsVerify(
              { url: r.target, apiKey: r.apiKey!, date, apiKeyIn: r.target.includes('api_key=') ? 'query' : 'header' },
              r.signature!,
              publicKey,
            ),
          ),
        );
        expect(
          results.some((x) => x.ok),
          `nOps request ${r.target}`,
        ).toBe(true);
      } else {
        expect(await nog.verify(r.method, r.target), `nog request ${r.target}`).toMatchObject({ ok: true });
      }
    }
  });
});

describe('README Python blocks run', () => {
  const python = snippets.filter((s) => s.lang === 'python');

  it.each(python.map((s) => [s.id, s] as const))(
    '%s',
    async (_id, s) => {
      const file = join(cwd, `${slug(s)}.py`);
      writeFileSync(file, s.code);
      if (s.code.includes('"type": "hello"')) {
        // A port: the runner drives it through the vectors of the operations it lists.
        const operation = /OPERATIONS = \{\("([^"]+)", "([^"]+)"\)/.exec(s.code);
        expect(operation, 'the port lists its operations in OPERATIONS').not.toBeNull();
        const filter = `${operation![1] === 'nog-v1' ? 'nog' : operation![1]}-${operation![2]}`;
        const r = await run(
          process.execPath,
          [join(ROOT, 'conformance', 'bin', 'reqsign-conformance.js'), '--impl', `python3 ${file}`, '--filter', filter, '--quiet'],
          60_000,
        );
        expect(r.stdout).toMatch(/^[1-9]\d* passed, 0 failed/m);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        return;
      }
      const r = await run('python3', [file], 30_000);
      expect(r.code, r.stderr).toBe(0);
      // A comment line after the code is what it prints.
      const printed = s.code
        .split('\n')
        .filter((l) => /^# \S+$/.test(l))
        .map((l) => l.slice(2));
      expect(printed.length).toBeGreaterThan(0);
      expect(r.stdout.trim().split('\n')).toEqual(printed);
    },
    90_000,
  );
});

describe('counts in READMEs', () => {
  const vectors = loadVectors();
  const cases = new Map(vectors.map((f) => [f.name, f.cases.length]));
  const total = vectors.reduce((n, f) => n + f.cases.length, 0);

  /** A row of a conformance report: file, scheme (any of SCHEMES), operation, cases, passed/cases. */
  const VECTOR_ROW = new RegExp(
    `^([a-z]+-[a-z-]+)\\s+(?:${SCHEMES.map((s) => s.id).join('|')})\\s+[a-z-]+\\s+(\\d+)\\s+(\\d+)\\/(\\d+)`,
    'gm',
  );

  it.each(all.map((r) => [r.readme, r] as const))('%s: a vector table or total shown is the real count', (readme, r) => {
    // conformance/README.md's sample is a real run with --filter, checked by conformance/test/readme.test.ts.
    if (readme === 'conformance/README.md') return;
    for (const block of r.text) {
      for (const m of block.matchAll(VECTOR_ROW)) {
        expect(Number(m[2]), `${readme}: ${m[1]}`).toBe(cases.get(m[1]!));
      }
      for (const m of block.matchAll(/^total\s+(\d+)/gm)) expect(Number(m[1]), `${readme}: total`).toBe(total);
      for (const m of block.matchAll(/^(\d+) passed, \d+ failed/gm)) expect(Number(m[1]), `${readme}: passed`).toBe(total);
    }
  });
});
