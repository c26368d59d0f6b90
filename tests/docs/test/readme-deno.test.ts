/**
 * The README blocks for Deno (`<!-- snippet: serve env=deno -->`) run in Deno, their `npm:` imports resolved from a
 * real registry: Verdaccio on loopback (the release test's, tests/packaging/test/support/verdaccio.ts), holding the
 * packed tarballs of the @reqsign packages the blocks import and what they depend on, and nothing else (no uplink).
 * Deno finds it through NPM_CONFIG_REGISTRY, with a cache of its own (DENO_DIR), so nothing comes from elsewhere. Each
 * block is saved as the file it names and run with `deno run --allow-net --allow-env <file>` (the command its README
 * gives), on a free port, then sent a signed and an unsigned request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '@reqsign/nog';
import { type PackedPackage, packPackage } from '../../../scripts/lib/pack.js';
import { RUNTIME_BINARIES, requirePrograms } from '../../../scripts/lib/programs.js';
import { publicPackages, ROOT } from '../../../scripts/lib/workspace.js';
import { scratch } from '../../packaging/test/support/packages.js';
import { type Registry, startVerdaccio } from '../../packaging/test/support/verdaccio.js';
import { parseReadme, readmes } from './support/snippets.js';
import { NOG } from './support/userFolder.js';

requirePrograms('runtimes');

const all = readmes(ROOT).map((r) => ({ readme: r, ...parseReadme(ROOT, r) }));
const blocks = all.flatMap((r) => r.snippets).filter((s) => s.mode === 'serve' && s.env === 'deno');
const tmp = scratch('readme-deno');
let registry: Registry;

/** The @reqsign packages the blocks import (`npm:@reqsign/x`), and every @reqsign package those depend on. */
function needed(): string[] {
  const pkgs = publicPackages();
  const set = new Set(blocks.flatMap((s) => [...s.code.matchAll(/from 'npm:(@reqsign\/[a-z-]+)/g)].map((m) => m[1]!)));
  for (const name of set) {
    const p = pkgs.find((x) => x.name === name);
    if (p === undefined) throw new Error(`${name}: no such workspace package`);
    for (const dep of Object.keys(p.manifest.dependencies ?? {})) if (dep.startsWith('@reqsign/')) set.add(dep);
  }
  return [...set].sort();
}

beforeAll(async () => {
  registry = await startVerdaccio(join(tmp.dir, 'verdaccio'));
  const pkgs = publicPackages();
  const tarballs = [];
  for (const name of needed()) tarballs.push(await packPackage(pkgs.find((p) => p.name === name)!, join(tmp.dir, 'packed')));
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
  await registry?.stop();
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

/** The port a server block reports (tests/docs/fixtures/deno-serve-anywhere.mjs), or its stderr when it fails. */
function listening(child: ChildProcess, what: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not listen in 90 s\n${stderr}`)), 90_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /REQSIGN_LISTENING (\d+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before listening\n${stderr}`));
    });
  });
}

describe('README blocks for Deno, in Deno, from a registry', () => {
  it('finds the http block, and publishes only @reqsign packages (the test cannot pass by finding none)', () => {
    expect(blocks.map((s) => s.readme)).toEqual(['packages/http/README.md']);
    expect(needed()).toEqual(expect.arrayContaining(['@reqsign/http', '@reqsign/nog', '@reqsign/canonical']));
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
        const port = await listening(child, `${s.readme}:${s.line}`);
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
