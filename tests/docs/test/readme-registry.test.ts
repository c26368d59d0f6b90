/**
 * README blocks that install from npm run against a real registry: Verdaccio on loopback (the release test's,
 * tests/packaging/test/support/verdaccio.ts), with no uplink, holding the packed tarballs of the @reqsign packages the
 * blocks use and what they depend on (the third-party ones as installed in the workspace), and nothing else.
 *
 * - Deno blocks (`<!-- snippet: serve env=deno -->`): their `npm:` imports resolved through NPM_CONFIG_REGISTRY, with a
 *   cache of their own (DENO_DIR); each is saved as the file it names, run with `deno run ... main.ts` (the command its
 *   README gives) on a free port, then sent a signed and an unsigned request.
 * - Shell blocks that `npx -p` a package (`<!-- snippet: run needs=registry -->`): run with bash, in README order, in
 *   one fresh folder (a user following the README: the key the keygen block makes is the key the sign block reads),
 *   npm pointed at the registry with a cache of its own; `curl` goes to a local stub (tests/docs/fixtures/bin/curl),
 *   and each request it gets is verified with the public key in that folder.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '@reqsign/nog';
import { verify as nopsVerify } from '@reqsign/nops';
import { execOk } from '../../../scripts/lib/exec.js';
import type { PackedPackage } from '../../../scripts/lib/pack.js';
import { RUNTIME_BINARIES, requirePrograms } from '../../../scripts/lib/programs.js';
import { publicPackages, ROOT } from '../../../scripts/lib/workspace.js';
import { scratch } from '../../packaging/test/support/packages.js';
import { type Registry, startVerdaccio } from '../../packaging/test/support/verdaccio.js';
import { docFiles } from '../../../scripts/lib/doc-regions.js';
import { parseReadme, readmes } from './support/snippets.js';
import { listening } from './support/listening.js';
import { startStub } from './support/stub.js';
import { NOG, run } from './support/userFolder.js';

requirePrograms('runtimes');

const all = readmes(ROOT).map((r) => ({ readme: r, ...parseReadme(ROOT, r) }));
const blocks = all.flatMap((r) => r.snippets).filter((s) => s.mode === 'serve' && s.env === 'deno');
const shellBlocks = [...new Set([...readmes(ROOT), ...docFiles(ROOT)])]
  .flatMap((r) => parseReadme(ROOT, r).shells)
  .filter((b) => b.needs === 'registry');
const tmp = scratch('readme-registry');
let registry: Registry;
let stub: Awaited<ReturnType<typeof startStub>>;

/**
 * The packages the blocks use (`npm:@reqsign/x` imports, `npx -p @reqsign/x`) and everything they depend on: the
 * workspace's by name, the others as installed in the workspace's node_modules.
 */
function needed(): { workspace: string[]; thirdParty: string[] } {
  const pkgs = publicPackages();
  const roots = [
    ...blocks.flatMap((s) => [...s.code.matchAll(/from 'npm:(@reqsign\/[a-z-]+)/g)].map((m) => m[1]!)),
    ...shellBlocks.flatMap((b) => [...b.code.matchAll(/npx (?:-p )?(@reqsign\/[a-z-]+)/g)].map((m) => m[1]!)),
  ];
  const workspace = new Set<string>();
  const thirdParty = new Set<string>();
  const visit = (name: string): void => {
    if (workspace.has(name) || thirdParty.has(name)) return;
    const p = pkgs.find((x) => x.name === name);
    const manifest =
      p?.manifest ??
      (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> });
    (p === undefined ? thirdParty : workspace).add(name);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
  };
  for (const name of roots) visit(name);
  return { workspace: [...workspace].sort(), thirdParty: [...thirdParty].sort() };
}

/** A third-party package as installed (its published files), packed as npm would: a `package/` folder in a .tgz. */
async function packInstalled(name: string, dest: string): Promise<PackedPackage> {
  const dir = join(ROOT, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackedPackage['manifest'];
  const tarball = join(dest, `${name.replace('/', '-')}-${manifest.version}.tgz`);
  mkdirSync(dest, { recursive: true });
  await execOk('tar', ['-czf', tarball, '-C', dirname(dir), '--transform', `s,^${name.split('/').pop()},package,`, name.split('/').pop()!]);
  return { name, version: manifest.version, tarball, files: [], manifest };
}

beforeAll(async () => {
  [registry, stub] = await Promise.all([startVerdaccio(join(tmp.dir, 'verdaccio')), startStub()]);
  const { workspace, thirdParty } = needed();
  const tarballs: PackedPackage[] = [];
  // The workspace's with one `npm pack` of those workspaces (what npm publish sends); tar of the others.
  const dest = join(tmp.dir, 'packed');
  mkdirSync(dest, { recursive: true });
  const packed = await execOk(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', dest, ...workspace.flatMap((name) => ['--workspace', name])],
    { cwd: ROOT, timeoutMs: 120_000 },
  );
  for (const info of JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { name: string; version: string; filename: string }[]) {
    const tarball = join(dest, info.filename);
    const manifest = JSON.parse((await execOk('tar', ['-xzOf', tarball, 'package/package.json'])).stdout) as PackedPackage['manifest'];
    tarballs.push({ name: info.name, version: info.version, tarball, files: [], manifest });
  }
  expect(tarballs.map((t) => t.name).sort()).toEqual(workspace);
  tarballs.push(...(await Promise.all(thirdParty.map((name) => packInstalled(name, dest)))));
  // What `npm publish <tarball>` sends (one PUT of the packument with the tarball attached), without an npm process
  // per package.
  await Promise.all(tarballs.map((t) => publish(registry, t)));
  // Deno takes no version published less than 24 hours ago (its minimum dependency age): date each release two days
  // back in the registry's storage, as a user's registry would have it the day after a release.
  const past = new Date(Date.now() - 2 * 86_400_000).toISOString();
  for (const t of tarballs) {
    const file = join(registry.storage, t.name, 'package.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { time?: Record<string, string> };
    doc.time = Object.fromEntries(Object.keys(doc.time ?? {}).map((k) => [k, past]));
    writeFileSync(file, JSON.stringify(doc));
  }
}, 180_000);
afterAll(async () => {
  await Promise.all([registry?.stop(), stub?.close()]);
  tmp.remove();
});

/** Publishes a packed tarball as npm does: a PUT of its packument, the manifest as packed, the tarball attached. */
async function publish(to: Registry, t: PackedPackage): Promise<void> {
  const data = readFileSync(t.tarball);
  const file = `${t.name}-${t.version}.tgz`;
  const r = await fetch(`${to.url}${t.name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${to.token}` },
    body: JSON.stringify({
      _id: t.name,
      name: t.name,
      'dist-tags': { latest: t.version },
      versions: {
        [t.version]: {
          ...t.manifest,
          _id: `${t.name}@${t.version}`,
          dist: {
            shasum: createHash('sha1').update(data).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
            tarball: `${to.url}${t.name}/-/${file.split('/').pop()}`,
          },
        },
      },
      access: 'public',
      _attachments: { [file]: { content_type: 'application/octet-stream', data: data.toString('base64'), length: data.length } },
    }),
  });
  if (!r.ok) throw new Error(`publishing ${t.name}@${t.version}: ${r.status} ${await r.text()}`);
}

describe('README blocks for Deno, in Deno, from a registry', () => {
  it('finds the http block and the npx blocks (the test cannot pass by finding none)', () => {
    expect(blocks.map((s) => s.readme)).toEqual(['packages/http/README.md']);
    expect(shellBlocks.map((b) => b.readme).sort()).toEqual([
      'README.md',
      'conformance/README.md',
      'conformance/ports/python/README.md',
      'conformance/ports/python/README.md',
      'packages/nops/README.md',
      'packages/nops/README.md',
    ]);
    expect(needed().workspace).toEqual(
      expect.arrayContaining(['@reqsign/http', '@reqsign/nog', '@reqsign/canonical', '@reqsign/cli', '@reqsign/conformance']),
    );
  });

  it.each(blocks.map((s) => [s.id, s] as const))(
    '%s: served by Deno, answers a signed request with its key id and refuses an unsigned one',
    async (_id, s) => {
      const project = join(tmp.dir, 'project', s.id.replace(/[^A-Za-z0-9]+/g, '-'));
      const file = join(project, s.file?.name ?? 'main.ts');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${s.before}${s.code}`); // as pasted
      // The command the README gives for it.
      const command = /`deno run ([^`\n]*?) main\.ts`/.exec(readFileSync(join(ROOT, s.readme), 'utf8'))?.[1];
      expect(command, `${s.readme}: say how to run the block (\`deno run ... main.ts\`)`).toBeDefined();
      const preload = join(ROOT, 'tests', 'docs', 'fixtures', 'deno-serve-anywhere.mjs');
      const child = spawn(RUNTIME_BINARIES.deno, ['run', ...command!.split(' '), '--preload', preload, file], {
        cwd: project,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: tmp.dir,
          DENO_DIR: join(tmp.dir, 'deno-dir'),
          NPM_CONFIG_REGISTRY: registry.url,
          NO_COLOR: '1',
          NOG_KEYID: NOG.id,
          NOG_SECRETKEY: NOG.secret,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      try {
        const port = await listening(child, `${s.readme}:${s.line}`, 90_000);
        const base = `http://127.0.0.1:${port}`;
        const { url } = await sign('GET', `${base}/api/blobs/abc?x=1`, { id: NOG.id, secret: NOG.secret });
        const ok = await fetch(url);
        const body = await ok.text();
        expect(ok.status, `${s.readme}:${s.line}: ${body}`).toBe(200);
        expect(JSON.parse(body)).toEqual({ keyId: NOG.id });
        expect((await fetch(`${base}/api/blobs/abc?x=1`)).status).toBe(401);
      } finally {
        child.kill('SIGKILL');
      }
    },
    120_000,
  );
});

describe("the http README's note on Deno's minimum dependency age", () => {
  it('a version published a moment ago is refused by default and taken with --minimum-dependency-age=0, as it says', async () => {
    const readme = readFileSync(join(ROOT, 'packages/http/README.md'), 'utf8');
    expect(readme).toContain('pass `--minimum-dependency-age=0` to take the newest at once');
    // A package of one file, published now (its time is the registry's clock, as on a release day).
    const dir = join(tmp.dir, 'fresh-release', 'package');
    mkdirSync(dir, { recursive: true });
    const manifest = { name: 'reqsign-fresh-release', version: '1.0.0', type: 'module', main: 'index.js' };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'index.js'), 'export const fresh = "taken";\n');
    const tarball = join(tmp.dir, 'fresh-release', 'reqsign-fresh-release-1.0.0.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', dirname(dir), 'package']);
    await publish(registry, { name: manifest.name, version: manifest.version, tarball, files: ['package.json', 'index.js'], manifest });
    const script = join(tmp.dir, 'fresh-release', 'main.ts');
    writeFileSync(script, "import { fresh } from 'npm:reqsign-fresh-release';\nconsole.log(fresh);\n");
    const deno = (flags: string[], cache: string) =>
      run(join(tmp.dir, 'fresh-release'), RUNTIME_BINARIES.deno, ['run', ...flags, script], 90_000, {
        PATH: process.env.PATH ?? '',
        HOME: tmp.dir,
        DENO_DIR: join(tmp.dir, cache),
        NPM_CONFIG_REGISTRY: registry.url,
        NO_COLOR: '1',
      });
    const refused = await deno([], 'deno-dir-fresh-1');
    expect(refused.code, refused.stdout).not.toBe(0);
    expect(refused.stderr).toMatch(/minimum dependency age/i);
    const taken = await deno(['--minimum-dependency-age=0'], 'deno-dir-fresh-2');
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout.trim()).toBe('taken');
  }, 120_000);
});

describe('README shell blocks that install with npx, from a registry', () => {
  const folder = join(tmp.dir, 'user');
  const npmEnv = (): Record<string, string> => ({
    PATH: `${join(ROOT, 'tests', 'docs', 'fixtures', 'bin')}:${process.env.PATH ?? ''}`,
    HOME: join(tmp.dir, 'home'),
    npm_config_registry: registry.url,
    npm_config_cache: join(tmp.dir, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    REQSIGN_STUB: stub.url,
    REQSIGN_CURL: execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim(),
  });

  it.each(shellBlocks.map((b, i) => [`${b.readme}:${b.line}`, b, i] as const))(
    '%s: runs as pasted (bash), in README order in one folder',
    async (_id, b, i) => {
      mkdirSync(folder, { recursive: true });
      // The port a reader has written, which the conformance blocks run (`python3 my_port.py`): here the reference
      // port, so that a block passes only if the runner it installs runs every vector and finds them all passed.
      copyFileSync(join(ROOT, 'conformance', 'ports', 'python', 'reqsign_port.py'), join(folder, 'my_port.py'));
      const script = join(tmp.dir, `block-${i}.sh`);
      writeFileSync(script, b.code);
      const before = stub.received.length;
      const r = await run(folder, 'bash', ['-e', '-o', 'pipefail', script], 120_000, npmEnv());
      expect(r.code, `${b.readme}:${b.line}\n${r.stdout}\n${r.stderr}`).toBe(0);
      if (/\bcurl\b/.test(b.code)) expect(stub.received.length, `${b.readme}:${b.line} sent nothing`).toBeGreaterThan(before);
      // A conformance run ends with its totals: every case passed, none unsupported.
      if (/npx @reqsign\/conformance/.test(b.code)) {
        expect(r.stdout, `${b.readme}:${b.line}`).toMatch(/\b[1-9]\d* passed, 0 failed/);
        if (/--report conformance\.xml/.test(b.code)) expect(existsSync(join(folder, 'conformance.xml'))).toBe(true);
      }
    },
    150_000,
  );

  it('the keys the blocks made are a pair, and every request the blocks sent verifies with the public key', async () => {
    const publicKey = join(folder, 'nops_public_key.pem');
    expect(existsSync(publicKey)).toBe(true);
    expect(stub.received.length).toBeGreaterThan(0);
    for (const r of stub.received) {
      const query = new URLSearchParams(r.target.split('?')[1] ?? '');
      const days = [0, -1].map((d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10));
      const results = await Promise.all(
        days.map((date) =>
          nopsVerify(
            { url: r.target, apiKey: query.get('api_key') ?? String(r.headers['x-nops-api-key'] ?? ''), date, apiKeyIn: 'query' },
            r.headers['x-nops-signature'] as string,
            readFileSync(publicKey, 'utf8'),
          ),
        ),
      );
      expect(
        results.some((x) => x.ok),
        `${r.method} ${r.target}`,
      ).toBe(true);
    }
  });
});
