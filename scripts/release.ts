/**
 * Cuts a release, or rehearses one.
 *
 *   tsx scripts/release.ts --dry-run   build, plan, pack, check every tarball, `npm publish --dry-run` each one
 *   tsx scripts/release.ts --check     build, plan, pack, check (no npm publish at all)
 *   tsx scripts/release.ts             build, pack, check, then `changeset publish` (needs npm credentials; refuses
 *                                      while changesets are pending or the git tree is dirty)
 *
 * Options: --skip-build (use the dist/ folders as they are), --out DIR (where the tarballs go; default a new temp
 * folder), --only a,b (only these packages, by name or folder). Exits 1 when any check fails; nothing is
 * published unless every tarball passed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTarball } from './lib/checks.js';
import { exec } from './lib/exec.js';
import { packAll, type PackedPackage } from './lib/pack.js';
import { releasePlan, unrequestedMajors, type ReleasePlan } from './lib/plan.js';
import { BIN, publicPackages, ROOT } from './lib/workspace.js';

const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(argv: readonly string[]): Promise<number> {
  const { values: args } = parseArgs({
    args: [...argv],
    options: {
      'dry-run': { type: 'boolean' },
      check: { type: 'boolean' },
      'skip-build': { type: 'boolean' },
      out: { type: 'string' },
      only: { type: 'string' },
    },
    strict: true,
  });
  const mode = args['dry-run'] ? 'dry-run' : args.check ? 'check' : 'publish';
  log(`== release (${mode})`);

  const pkgs = publicPackages(
    ROOT,
    args.only?.split(',').map((s) => s.trim()),
  );
  if (pkgs.length === 0) {
    log('no package to release (check --only)');
    return 1;
  }

  if (!args['skip-build']) {
    log('\n== build');
    const b = await exec('npm', ['run', 'build'], { cwd: ROOT });
    if (b.code !== 0) {
      process.stderr.write(b.stdout + b.stderr);
      return 1;
    }
    log('built every package');
  }

  log('\n== pending changesets (what `npm run version` would do)');
  let plan: ReleasePlan;
  try {
    plan = await releasePlan(ROOT);
  } catch (err) {
    // For instance packages changed without a changeset: their CHANGELOG would miss the change.
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  if (plan.releases.length === 0) log('none: the versions in package.json are the ones to publish');
  for (const r of plan.releases) log(`${r.name}: ${r.oldVersion} -> ${r.newVersion} (${r.type})`);
  const surprises = unrequestedMajors(plan);
  for (const s of surprises) log(`FAIL ${s}`);
  const pending = plan.releases.length > 0;
  if (pending && mode === 'publish') {
    // Publishing now would ship the old versions without their CHANGELOG entries.
    log('FAIL pending changesets: run `npm run version`, review and commit, then release');
    return 1;
  }
  if (pending) log('(a release runs after `npm run version`; this rehearsal packs the versions as they are now)');
  if (mode === 'publish') {
    const dirty = await exec('git', ['status', '--porcelain'], { cwd: ROOT });
    if (dirty.code !== 0 || dirty.stdout.trim() !== '') {
      log('FAIL the working tree is not clean: commit first, so that tags point at what was published');
      return 1;
    }
  }

  const out = args.out ?? mkdtempSync(join(tmpdir(), 'reqsign-release-'));
  log(`\n== pack ${pkgs.length} packages into ${out}`);
  let packed: PackedPackage[];
  try {
    packed = await packAll(pkgs, out);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  for (const p of packed) log(`${p.name}@${p.version}: ${p.files.length} files`);

  log('\n== checks on the tarballs (publint --strict, attw esm-only, metadata, file whitelist, internal ranges)');
  let failed = 0;
  for (const p of packed) {
    const r = await checkTarball(p, packed);
    if (r.problems.length === 0) log(`ok   ${p.name}@${p.version}`);
    else {
      failed++;
      log(`FAIL ${p.name}@${p.version}`);
      for (const line of r.problems) log(`     ${line.replace(/\n/g, '\n     ')}`);
    }
  }
  if (failed > 0 || surprises.length > 0) {
    if (failed > 0) log(`\n${failed} of ${packed.length} packages failed the checks`);
    if (surprises.length > 0) log(`\nthe version plan has ${surprises.length} major bump(s) nobody asked for`);
    log('nothing was published');
    return 1;
  }

  if (mode === 'check') {
    log(`\nall ${packed.length} packages pass; tarballs in ${out}`);
    return 0;
  }
  if (mode === 'dry-run') {
    // What changeset publish would do: publish each package whose version the registry does not have yet, and skip
    // the others (npm refuses to publish over a version, --dry-run included).
    log('\n== npm publish --dry-run (nothing is uploaded)');
    let would = 0;
    for (const p of packed) {
      const onRegistry = await published(p.name, p.version);
      if (onRegistry === 'unknown') {
        log(`FAIL could not ask the registry whether ${p.name}@${p.version} is published (npm view failed)`);
        return 1;
      }
      if (onRegistry) {
        log(`skip ${p.name}@${p.version}: already on the registry (changeset publish skips it too)`);
        continue;
      }
      const r = await exec('npm', ['publish', p.tarball, '--dry-run', '--access', 'public', '--ignore-scripts'], { cwd: out });
      const said = `${r.stdout}\n${r.stderr}`;
      if (r.code !== 0 || !said.includes(`${p.name}@${p.version}`)) {
        process.stderr.write(said);
        log(`FAIL npm publish --dry-run ${p.name}@${p.version}`);
        return 1;
      }
      would++;
      log(`would publish ${p.name}@${p.version}`);
    }
    log(`\ndry run passed: ${would} packages would be published, ${packed.length - would} are on the registry already; tarballs in ${out}`);
    return 0;
  }

  // Where npm is configured to publish @reqsign packages (a .npmrc's `@reqsign:registry`, else `registry`). changesets
  // reads a registry other than npmjs only from the environment, which `npm run` does not pass on: hand it over.
  const registry = (await npmConfig('@reqsign:registry')) ?? (await npmConfig('registry')) ?? 'https://registry.npmjs.org/';
  log(`\n== changeset publish (to ${registry})`);
  const pub = await exec(join(BIN, 'changeset'), ['publish'], {
    cwd: ROOT,
    env: { ...process.env, 'npm_config_@reqsign:registry': registry },
    timeoutMs: 1_800_000,
  });
  process.stdout.write(pub.stdout);
  process.stderr.write(pub.stderr);
  return pub.code;
}

/** Whether the registry npm publishes to has this version already (`npm view`); 'unknown' when npm could not tell. */
async function published(name: string, version: string): Promise<boolean | 'unknown'> {
  const r = await exec('npm', ['view', `${name}@${version}`, 'version', '--json'], { cwd: ROOT });
  if (r.code === 0) return r.stdout.trim() !== '';
  return /\bE404\b/.test(r.stdout + r.stderr) ? false : 'unknown';
}

/** A value of npm's configuration as npm reads it here (its config files and environment), or undefined. */
async function npmConfig(key: string): Promise<string | undefined> {
  const r = await exec('npm', ['config', 'get', key], { cwd: ROOT });
  const value = r.stdout.trim();
  return r.code !== 0 || value === '' || value === 'undefined' || value === 'null' ? undefined : value;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`release: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
