/**
 * A release to a real registry: Verdaccio from npm on loopback. On a scratch clone of this repository, `npm run
 * version` and `npm run release` publish every public package; a consumer outside the workspace installs
 * `@reqsign/nog@<version>` from the registry by name and runs it; a second release with a changeset for nog alone
 * publishes nog and what depends on it, and nothing else; `npm run release` refuses while changesets are pending and
 * the dry run publishes nothing (both against the same registry); and a clean rebuild of the commit, elsewhere on
 * disk, packs exactly the bytes the registry holds (what docs/RELEASING.md tells a user to check).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneWorkingTree } from '../../../scripts/lib/clone.js';
import { exec, type ExecResult } from '../../../scripts/lib/exec.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import { satisfies } from '../../../scripts/lib/checks.js';
import { publicPackages } from '../../../scripts/lib/workspace.js';
import { freshEnv } from '../../setup/test/support.js';
import { scratch } from './support/packages.js';
import { type Registry, startVerdaccio } from './support/verdaccio.js';

requirePrograms('runtimes');

const tmp = scratch('registry');
/** The scratch clone; moved to {@link movedRepo} for the rebuild. */
let repo = join(tmp.dir, 'repo');
const movedRepo = join(tmp.dir, 'elsewhere', 'repo');
let registry: Registry;

beforeAll(async () => {
  registry = await startVerdaccio(join(tmp.dir, 'verdaccio'));
}, 120_000);
afterAll(async () => {
  await registry?.stop();
  tmp.remove();
});

const SLOW = { timeout: 900_000 };
const show = (r: ExecResult): string => `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`;

/** A command in the scratch clone, as a maintainer runs it: npm sends @reqsign packages to the registry. */
function inRepo(command: string, args: readonly string[]): Promise<ExecResult> {
  return exec(command, args, {
    cwd: repo,
    env: {
      ...freshEnv({ TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' }),
      ...registry.env,
      GIT_AUTHOR_NAME: 'Release Test',
      GIT_AUTHOR_EMAIL: 'release-test@example.invalid',
      GIT_COMMITTER_NAME: 'Release Test',
      GIT_COMMITTER_EMAIL: 'release-test@example.invalid',
    },
    timeoutMs: 900_000,
  });
}
async function ok(command: string, args: readonly string[]): Promise<ExecResult> {
  const r = await inRepo(command, args);
  expect(r.code, `${command} ${args.join(' ')}\n${show(r)}`).toBe(0);
  return r;
}

/** What the registry holds of a package: its versions and dist-tags (an empty record when it has none). */
async function held(name: string): Promise<{ versions: string[]; tags: Record<string, string>; integrity: Record<string, string> }> {
  const r = await fetch(`${registry.url}${name.replace('/', '%2f')}`);
  if (r.status === 404) return { versions: [], tags: {}, integrity: {} };
  expect(r.status).toBe(200);
  const doc = (await r.json()) as { versions: Record<string, { dist: { integrity: string } }>; 'dist-tags': Record<string, string> };
  return {
    versions: Object.keys(doc.versions).sort(),
    tags: doc['dist-tags'],
    integrity: Object.fromEntries(Object.entries(doc.versions).map(([v, m]) => [v, m.dist.integrity])),
  };
}

/** Every file the registry stored, with its size and time: a publish changes it, nothing else may. */
function storageState(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : [`${join(dir, e.name)} ${statSync(join(dir, e.name)).size} ${statSync(join(dir, e.name)).mtimeMs}`],
    );
  return walk(registry.storage).sort();
}

const versions = (): Record<string, string> => Object.fromEntries(publicPackages(repo).map((p) => [p.name, p.version]));
const changeset = (name: string, releases: Record<string, 'patch' | 'minor'>, summary: string): void =>
  writeFileSync(
    join(repo, '.changeset', `${name}.md`),
    `---\n${Object.entries(releases)
      .map(([n, t]) => `'${n}': ${t}`)
      .join('\n')}\n---\n\n${summary}\n`,
  );

/** Each public package's `dependencies` ranges, as its manifest says now. */
function ranges(): Record<string, Record<string, string>> {
  return Object.fromEntries(
    publicPackages(repo).map((p) => {
      const m = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      return [p.name, m.dependencies ?? {}];
    }),
  );
}

/**
 * What must be released when `name` changes, by semver alone: `name`, then every package with a dependency range (as
 * it was before `npm run version`) that leaves out the new version of a package already in the set, and so on.
 */
function mustRelease(name: string, rangesBefore: Record<string, Record<string, string>>, next: Record<string, string>): string[] {
  const set = new Set([name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pkg, deps] of Object.entries(rangesBefore)) {
      if (set.has(pkg)) continue;
      if (Object.entries(deps).some(([dep, range]) => set.has(dep) && !satisfies(next[dep]!, range))) {
        set.add(pkg);
        grew = true;
      }
    }
  }
  return [...set].sort();
}

let first: Record<string, string> = {};
/** The commit the first release published (its tags point at it). */
let firstRelease = '';
const consumer = join(tmp.dir, 'consumer');
const nopsConsumer = join(tmp.dir, 'nops-consumer');

/** A project outside the workspace that takes @reqsign packages from the registry, as a user's would. */
async function userProject(dir: string, install: string): Promise<ExecResult> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a-user', version: '1.0.0', private: true, type: 'module' }));
  writeFileSync(join(dir, '.npmrc'), registry.npmrc);
  return exec('npm', ['install', install, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: freshEnv(),
    timeoutMs: 300_000,
  });
}

describe('a release to a real registry (Verdaccio on loopback)', () => {
  it('a scratch clone, set up: git clone, npm ci', SLOW, async () => {
    await cloneWorkingTree(repo);
    await ok('git', ['add', '-A']);
    await ok('git', ['commit', '--quiet', '--allow-empty', '-m', 'the working tree under test']);
    // The runtimes (the postinstall) are not needed to release.
    await ok('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']);
    for (const name of Object.keys(versions())) expect((await held(name)).versions, name).toEqual([]);
  });

  it('npm run version, then npm run release: every public package on the registry at its new version, tagged latest', SLOW, async () => {
    const before = versions();
    changeset('release-test-all', Object.fromEntries(Object.keys(before).map((n) => [n, 'patch'])), 'A release made by the registry test.');
    await ok('npm', ['run', 'version']);
    first = versions();
    for (const [name, v] of Object.entries(first)) expect(v, name).not.toBe(before[name]);
    expect(readdirSync(join(repo, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')).toEqual([]);
    await ok('git', ['add', '-A']);
    await ok('git', ['commit', '--quiet', '-m', 'Version packages']);

    const r = await ok('npm', ['run', 'release']);
    expect(r.stdout).toContain(`== changeset publish (to ${registry.url})`);
    firstRelease = (await ok('git', ['rev-parse', 'HEAD'])).stdout.trim();
    for (const [name, v] of Object.entries(first)) {
      const h = await held(name);
      expect(h.versions, name).toEqual([v]);
      expect(h.tags, name).toEqual({ latest: v });
    }
    // changeset publish tags what it published.
    const tags = (await ok('git', ['tag', '--list'])).stdout.trim().split('\n').sort();
    expect(tags).toEqual(
      Object.entries(first)
        .map(([n, v]) => `${n}@${v}`)
        .sort(),
    );
  });

  it('a user installs @reqsign/nog@<version> from the registry by name, outside the workspace, and it runs', SLOW, async () => {
    const v = first['@reqsign/nog']!;
    const installed = await userProject(consumer, `@reqsign/nog@${v}`);
    expect(installed.code, show(installed)).toBe(0);
    // What the user's lockfile records is what the registry holds (the machine's npm may not record tarball URLs).
    const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string; integrity: string }>;
    };
    // nog and its runtime dependencies (canonical, hmac), as its package.json names them.
    const nogDeps = Object.keys(publicPackages().find((p) => p.name === '@reqsign/nog')!.manifest.dependencies ?? {});
    expect(nogDeps).toContain('@reqsign/hmac');
    for (const name of ['@reqsign/nog', ...nogDeps]) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry?.version, name).toBe(first[name]);
      expect(entry?.integrity, name).toBe((await held(name)).integrity[first[name]!]);
    }
    writeFileSync(
      join(consumer, 'main.js'),
      [
        "import { createVerifier, sign } from '@reqsign/nog';",
        "const key = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };",
        "const { url } = await sign('GET', '/api/blobs/abc', key);",
        'const verifier = createVerifier({ keys: { [key.id]: key.secret } });',
        "const good = await verifier.verify('GET', url);",
        "const bad = await verifier.verify('GET', url.replace('abc', 'abd'));",
        'console.log(JSON.stringify({ good: good.ok, bad: bad.ok ? true : bad.code }));',
      ].join('\n'),
    );
    const run = await exec(process.execPath, ['main.js'], { cwd: consumer, env: freshEnv() });
    expect(run.stdout, show(run)).toBe('{"good":true,"bad":"ERR_AUTH_SIG_INVALID"}\n');
    const nops = await userProject(nopsConsumer, '@reqsign/nops');
    expect(nops.code, show(nops)).toBe(0);
  });

  it('a second release with a changeset for nog alone publishes nog and what depends on it, nothing else', SLOW, async () => {
    // A minor of nog (0.x: outside the dependents' ^0.x ranges), so its dependents must follow it.
    changeset('release-test-nog', { '@reqsign/nog': 'minor' }, 'A change in nog alone.');
    await ok('git', ['add', '-A']);
    await ok('git', ['commit', '--quiet', '-m', 'a nog change']);
    const rangesBefore = ranges();
    await ok('npm', ['run', 'version']);
    const second = versions();
    await ok('git', ['add', '-A']);
    await ok('git', ['commit', '--quiet', '-m', 'Version packages']);
    await ok('npm', ['run', 'release']);

    // The packages that must be published: nog, and each package whose dependency range (in the manifests as they were)
    // leaves out a new version, down the graph. Nothing else.
    const nog = second['@reqsign/nog']!;
    expect(nog).not.toBe(first['@reqsign/nog']);
    const must = mustRelease('@reqsign/nog', rangesBefore, second);
    expect(must.length, 'some package depends on nog').toBeGreaterThan(1);
    const bumped = Object.keys(second).filter((n) => second[n] !== first[n]);
    expect(bumped.sort()).toEqual(must);
    for (const n of ['@reqsign/nops', '@reqsign/canonical', '@reqsign/conformance']) expect(bumped).not.toContain(n);
    for (const [name, v] of Object.entries(second)) {
      const h = await held(name);
      expect(h.versions, name).toEqual([...new Set([first[name]!, v])].sort());
      expect(h.tags, name).toEqual({ latest: v });
    }
    // The user of nops sees no new version; the user of nog does; a new user of the CLI gets the new nog with it.
    const outdated = await exec('npm', ['outdated', '--json'], { cwd: nopsConsumer, env: freshEnv() });
    expect(JSON.parse(outdated.stdout || '{}')).toEqual({});
    const nogOutdated = await exec('npm', ['outdated', '--json'], { cwd: consumer, env: freshEnv() });
    expect((JSON.parse(nogOutdated.stdout) as Record<string, { latest: string }>)['@reqsign/nog']?.latest).toBe(nog);
    const cli = await userProject(join(tmp.dir, 'cli-user'), '@reqsign/cli');
    expect(cli.code, show(cli)).toBe(0);
    const installed = (name: string) =>
      (JSON.parse(readFileSync(join(tmp.dir, 'cli-user', 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    expect(installed('@reqsign/cli')).toBe(second['@reqsign/cli']);
    expect(installed('@reqsign/nog')).toBe(nog);
  });

  it(
    'with a changeset pending, npm run release refuses; after npm run version the dry run rehearses the new versions; the registry is unchanged',
    SLOW,
    async () => {
      changeset('release-test-pending', { '@reqsign/nops': 'minor' }, 'Pending.');
      await ok('git', ['add', '-A']);
      await ok('git', ['commit', '--quiet', '-m', 'a pending nops change']);
      const names = Object.keys(versions());
      const heldBefore = await Promise.all(names.map(held));
      const storedBefore = storageState();

      const refused = await inRepo('npm', ['run', 'release', '--', '--skip-build']);
      expect(refused.stdout).toContain('FAIL pending changesets: run `npm run version`');
      expect(refused.stdout).not.toContain('== changeset publish');
      expect(refused.code).not.toBe(0);

      // The rehearsal of the next release: what changeset publish would publish (the versions the registry lacks) and
      // skip (the ones it has), without uploading anything.
      const before = versions();
      await ok('npm', ['run', 'version']);
      // Committed, as docs/RELEASING.md says, before the rehearsal (changeset status compares with main).
      await ok('git', ['add', '-A']);
      await ok('git', ['commit', '--quiet', '-m', 'Version packages (rehearsed, not released)']);
      const next = versions();
      const changed = names.filter((n) => next[n] !== before[n]);
      expect(changed).toContain('@reqsign/nops');
      const dry = await ok('npm', ['run', 'release:dry-run', '--', '--skip-build']);
      for (const name of names) {
        expect(dry.stdout).toContain(
          changed.includes(name) ? `would publish ${name}@${next[name]}` : `skip ${name}@${next[name]}: already on the registry`,
        );
      }
      expect(dry.stdout).toContain(
        `dry run passed: ${changed.length} packages would be published, ${names.length - changed.length} are on the registry already`,
      );

      expect(await Promise.all(names.map(held))).toEqual(heldBefore);
      expect(storageState()).toEqual(storedBefore);
    },
  );

  it(
    "a clean rebuild of the first release's commit, elsewhere on disk, packs the bytes the registry holds for every package",
    SLOW,
    async () => {
      // The commit every package's first version was published from (each tag points at it), moved to another path,
      // every build output removed, built again without turbo's cache: what docs/RELEASING.md tells a user to do.
      for (const [name, v] of Object.entries(first)) {
        expect((await ok('git', ['rev-parse', `${name}@${v}^{commit}`])).stdout.trim(), `${name}@${v}`).toBe(firstRelease);
      }
      await ok('git', ['checkout', '--quiet', '--force', firstRelease]);
      mkdirSync(join(tmp.dir, 'elsewhere'));
      renameSync(repo, movedRepo);
      repo = movedRepo;
      await ok('git', ['clean', '-xdfq', '-e', 'node_modules']);
      await ok('npm', ['run', 'build', '--', '--force']);
      const out = join(tmp.dir, 'rebuilt');
      mkdirSync(out, { recursive: true });
      const packages = publicPackages(repo);
      expect(packages.map((p) => p.name).sort()).toEqual(Object.keys(first).sort());
      for (const p of packages) {
        expect(p.version).toBe(first[p.name]);
        const packed = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
          cwd: p.dir,
          env: freshEnv(),
        });
        expect(packed.code, show(packed)).toBe(0);
        const [{ integrity }] = JSON.parse(packed.stdout) as [{ integrity: string }];
        expect(integrity, `${p.name}@${p.version}`).toBe((await held(p.name)).integrity[p.version]);
      }
    },
  );
});
