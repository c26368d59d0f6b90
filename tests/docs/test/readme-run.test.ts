/**
 * Docs that run: every fenced TypeScript and JavaScript block of every README is run as a user would paste it, in a
 * folder of their own, with the network replaced by a local stub server (tests/docs/fixtures/route-fetch.mjs) and a
 * real redis-server; then every request the blocks sent is verified as the scheme that signed it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_BINARIES, requirePrograms } from '../../../scripts/lib/programs.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { startRedisServer, type RedisServer } from '../../../packages/nog-redis/test/helpers/redisServer.js';
import { listening } from './support/listening.js';
import { slug } from './support/programs.js';
import { docFiles } from '../../../scripts/lib/doc-regions.js';
import { parseReadme, readmes, type SnippetFile } from './support/snippets.js';
import { schemeOfRequest, STUB_SCHEMES, startStub } from './support/stub.js';
import { NOG, run, userFolder } from './support/userFolder.js';
import { sign as nogSign } from '@reqsign/nog';

requirePrograms('redis-server', 'runtimes');

/** Blocks known to hang, with the reason: none now (a block that hangs fails like any other). */
const KNOWN: Record<string, { readonly hangs: string }> = {};

const snippets = readmes(ROOT).flatMap((r) => parseReadme(ROOT, r).snippets);
/** Every README's and doc's shell blocks: those marked `run`, and the others. */
const shellFiles = [...new Set([...readmes(ROOT), ...docFiles(ROOT)])].map((r) => parseReadme(ROOT, r));
// Those that install from npm run against a registry in readme-registry.test.ts.
const shells = shellFiles.flatMap((r) => r.shells).filter((b) => b.needs === undefined);
const unrun = shellFiles.flatMap((r) => r.unrun);

/**
 * The shell blocks no test runs, by README and first line, with why. A block that is neither run nor listed fails
 * (mark it `<!-- snippet: run -->` or `transcript`, or say here why it cannot run).
 */
const NOT_RUN: Readonly<Record<string, string>> = {
  'README.md npm ci && npm run conformance': "the repository's own set-up and whole test suite (CI runs it)",
  'README.md CI=true bash .ci/run': 'the CI script itself',
  'README.md reqsign nog explain --keys keys.json':
    'a sketch with $CLIENT_URL / $RECEIVED_URL; explain is run in packages/cli/README.md transcripts',
  'README.md npx changeset': "the maintainer's release steps (tests/packaging/test/registry.test.ts runs version and release)",
  'packages/cli/README.md npm install -g @reqsign/cli': 'a global install from the registry',
  'packages/cli/README.md export NOPS_API_KEY=123.aaaa4432454ccccb5a2280e755fdzzzz':
    'a key in ~/.nops and a sample output with a 2024 date; nops sign is run in packages/cli/test',
  'packages/cli/README.md reqsign conformance --impl "myport=./target/release/nog-port" --report results.xml':
    'a port binary of the reader’s own',
  'packages/debugger/README.md npm run debugger':
    'a server that runs until stopped (packages/debugger/test serves and loads it in Chromium)',
  'packages/http/README.md curl "$(reqsign nog sign GET \'http://127.0.0.1:8080/api/blobs/abc?x=1\')"':
    'the server block above is started and sent this request; its answer is compared with the comment',
  'conformance/README.md npx @reqsign/conformance --impl "my-port=python3 my_port.py"':
    "its output is the README's sample, checked by conformance/test/readme.test.ts",
  'conformance/README.md npx -p @reqsign/cli reqsign conformance fuzz --impl "python3 my_port.py"':
    'minutes of fuzzing; conformance fuzz is run in conformance/test',
  'docs/RELEASING.md git clone https://github.com/reqsign/reqsign && cd reqsign':
    'a clone from GitHub; tests/packaging/test/registry.test.ts rebuilds a release elsewhere and compares the bytes',
  'docs/RELEASING.md npm run build': "the repository's own test commands",
};
const notRunKey = (b: { readme: string; code: string }): string | undefined =>
  Object.keys(NOT_RUN).find((k) => `${b.readme} ${b.code.split('\n')[0]}`.startsWith(k));
const work = join(ROOT, 'tests', 'docs', '.tmp', 'run');

let stub: Awaited<ReturnType<typeof startStub>>;
let folder: ReturnType<typeof userFolder>;
/** A real redis-server of the test's own, for nog-redis's blocks. */
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  folder = userFolder();
  stub = await startStub();
});
afterAll(async () => {
  await redis?.stop();
  await stub?.close();
  folder?.remove();
  rmSync(work, { recursive: true, force: true });
});

/** The package.json a user's project has: `npm init -y`'s (`"type": "commonjs"` in npm 11) unless the block asks for ESM. */
function projectManifest(name: string, file: SnippetFile): string {
  const byPackage = /\.(js|ts)$/.test(file.name) && file.module === 'esm';
  return `${JSON.stringify({ name, version: '1.0.0', type: byPackage ? 'module' : 'commonjs' }, null, 2)}\n`;
}

describe('README blocks run', () => {
  // Node's blocks: those for workerd, Deno and Redis topologies run in readme-workers, readme-registry and
  // readme-redis-topologies.test.ts.
  const runnable = snippets.filter((s) => s.mode === 'run' && s.lang !== 'python' && s.env === 'node' && s.needs === undefined);

  it('no block is only type-checked: each one runs somewhere (a `check` note names no runner)', () => {
    expect(
      snippets.filter((s) => s.mode === 'check').map((s) => `${s.readme}:${s.line}`),
      'give each block a runner: serve, serve env=worker|deno|bun, needs=redis-topologies (tests/docs/test/support/snippets.ts)',
    ).toEqual([]);
  });

  it('every block that imports names its file in its first line (.mjs, or "type": "module")', () => {
    const unnamed = snippets.filter((s) => s.lang !== 'python' && /^import /m.test(s.code) && s.file === undefined);
    expect(
      unnamed.map((s) => `${s.readme}:${s.line}`),
      'start each with // <file>.mjs or // <file>.ts ("type": "module" in package.json)',
    ).toEqual([]);
  });

  it('every shell block runs (`run` or `transcript`) or is listed in NOT_RUN with why, and NOT_RUN lists no other', () => {
    expect(
      unrun.filter((b) => notRunKey(b) === undefined).map((b) => `${b.readme}:${b.line}: ${b.code.split('\n')[0]}`),
      'mark it <!-- snippet: run --> (or transcript), or add it to NOT_RUN with why',
    ).toEqual([]);
    const used = new Set(unrun.map(notRunKey));
    expect(Object.keys(NOT_RUN).filter((k) => !used.has(k))).toEqual([]);
    expect(shells.length).toBeGreaterThan(0);
  });

  it.each(shells.map((b) => [`${b.readme}:${b.line}`, b] as const))(
    '%s (shell, with bash): runs as pasted, its curl sent to the stub',
    async (_id, b) => {
      const script = join(work, `${`${b.readme}-${b.line}`.replace(/[^A-Za-z0-9]+/g, '-')}.sh`);
      writeFileSync(script, b.code);
      const curl = execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim();
      const bin = join(ROOT, 'tests', 'docs', 'fixtures', 'bin');
      const before = stub.received.length;
      const r = await run(folder.dir, 'bash', ['-e', '-o', 'pipefail', script], 60_000, {
        PATH: `${bin}:${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
        REQSIGN_STUB: stub.url,
        REQSIGN_CURL: curl,
      });
      expect(r.code, `${b.readme}:${b.line}\n${r.stderr}`).toBe(0);
      // Its requests reached the stub (verified below with the others).
      expect(stub.received.length, `${b.readme}:${b.line} sent nothing`).toBeGreaterThan(before);
    },
    90_000,
  );

  it.each(runnable.map((s) => [s.id, s] as const))(
    '%s',
    async (_id, s) => {
      // The block as the file its first line names, in a project of its own: a package.json as npm init -y writes
      // it (commonjs) unless the block says "type": "module", so an ES module block that does not say so fails.
      const project = join(work, slug(s));
      const file = s.file ?? { name: `${slug(s)}.${s.lang === 'ts' ? 'ts' : 'js'}`, module: 'cjs', typeModule: false };
      mkdirSync(dirname(join(project, file.name)), { recursive: true });
      writeFileSync(join(project, 'package.json'), projectManifest(slug(s).toLowerCase(), file));
      writeFileSync(join(project, file.name), `${s.before}${s.code}`); // as pasted: nothing added
      const preload = join(ROOT, 'tests', 'docs', 'fixtures', 'route-fetch.mjs');
      const known = KNOWN[s.id];
      const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
      const r = await run(
        folder.dir,
        process.execPath,
        ['--import', tsx, '--import', preload, join(project, file.name)],
        known ? 10_000 : 60_000,
        {
          REDIS_URL: redis.url,
          REQSIGN_STUB: stub.url,
        },
      );
      if (known) {
        expect(r.signal, `${s.id} no longer hangs: remove it from KNOWN (${known.hangs})`).toBe('SIGKILL');
        return;
      }
      expect(r.code, `${s.readme}:${s.line} as ${file.name}\n${r.stderr}`).toBe(0);
    },
    90_000,
  );

  // Node's servers, and the modules Bun serves (a default export with `fetch`, as Hono's apps are).
  const servers = snippets.filter((s) => s.mode === 'serve' && (s.env === 'node' || s.env === 'bun'));
  it.each(servers.map((s) => [s.id, s] as const))(
    '%s: serves a signed request and refuses an unsigned one',
    async (_id, s) => {
      const project = join(work, slug(s));
      const file = s.file ?? { name: `${slug(s)}.ts`, module: 'cjs', typeModule: false };
      mkdirSync(dirname(join(project, file.name)), { recursive: true });
      writeFileSync(join(project, 'package.json'), projectManifest(slug(s).toLowerCase(), file));
      writeFileSync(join(project, file.name), `${s.before}${s.code}`);
      const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
      const fixtures = join(ROOT, 'tests', 'docs', 'fixtures');
      const [command, args] =
        s.env === 'bun'
          ? [RUNTIME_BINARIES.bun, ['run', '--preload', join(fixtures, 'bun-serve-anywhere.mjs'), join(project, file.name)]]
          : [process.execPath, ['--import', tsx, '--import', join(fixtures, 'listen-anywhere.mjs'), join(project, file.name)]];
      const child = spawn(command, args, {
        cwd: folder.dir,
        env: { PATH: process.env.PATH ?? '', NOG_KEYID: NOG.id, NOG_SECRETKEY: NOG.secret },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      try {
        const port = await listening(child, `${s.readme}:${s.line}`, 60_000);
        const base = `http://127.0.0.1:${port}`;
        const signed = await nogSign('GET', `${base}/api/blobs/abc?x=1`, { id: NOG.id, secret: NOG.secret });
        const ok = await fetch(signed.url);
        const body = await ok.text();
        expect(ok.status, `${s.readme}:${s.line}: ${body}`).toBe(200);
        expect(body).toContain(NOG.id);
        expect(body).toMatch(/x/);
        expect(body).not.toMatch(/authsignature/);
        // The node:http block's README line: `curl ...   # hello 0123..., you asked for /api/blobs/abc?x=1`.
        if (body.startsWith('hello')) expect(body).toBe(`hello ${NOG.id}, you asked for /api/blobs/abc?x=1\n`);
        const refused = await fetch(`${base}/api/blobs/abc?x=1`);
        expect(refused.status).toBe(401);
      } finally {
        child.kill('SIGKILL');
      }
    },
    90_000,
  );

  it('sent every request signed as a scheme of SCHEMES says, and the stub verified each one as that scheme', async () => {
    expect(stub.received.length).toBeGreaterThan(0);
    for (const r of stub.received) {
      const scheme = schemeOfRequest(r);
      if ('error' in scheme) expect.fail(scheme.error);
      expect(await STUB_SCHEMES[scheme.command]!.verify(r), `${scheme.command} request ${r.method} ${r.target}`).toBe(true);
    }
  });
});

describe("the stub's recognizers", () => {
  it('tell the schemes apart: a request of each is recognized as its own, an unsigned one as none (the check can fail)', () => {
    const nog = { method: 'GET', target: '/p?authkeyid=k&authsignature=00', headers: {} };
    const nops = { method: 'GET', target: '/nops_api/v1/x/?api_key=1.a', headers: { 'x-nops-signature': 'c2ln' } };
    const plain = { method: 'GET', target: '/p?x=1', headers: {} };
    expect(schemeOfRequest(nog)).toEqual({ command: 'nog' });
    expect(schemeOfRequest(nops)).toEqual({ command: 'nops' });
    expect(schemeOfRequest(plain)).toEqual({ error: expect.stringMatching(/carries no scheme's signature/) });
  });
});
