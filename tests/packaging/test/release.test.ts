/**
 * The release scripts: `changeset version` (the heart of `npm run version`) writes the planned versions and
 * CHANGELOGs; the plan check refuses majors that no changeset asked for; the script refuses to run with no package.
 * The release itself, the dry run and the refusal while changesets are pending run against a real registry:
 * registry.test.ts.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exec, execOk } from '../../../scripts/lib/exec.js';
import { releasePlan, unrequestedMajors, type ReleasePlan } from '../../../scripts/lib/plan.js';
import { BIN, ROOT, workspacePackages } from '../../../scripts/lib/workspace.js';
import { scratch } from './support/packages.js';

const tmp = scratch('release');
afterAll(() => tmp.remove());

describe('the version plan', () => {
  const plan = (
    releases: [string, ReleasePlan['releases'][number]['type']][],
    asked: [string, ReleasePlan['releases'][number]['type']][],
  ): ReleasePlan => ({
    changesets: [{ id: 'c', summary: 's', releases: asked.map(([name, type]) => ({ name, type })) }],
    releases: releases.map(([name, type]) => ({
      name,
      type,
      oldVersion: '0.1.0',
      newVersion: type === 'major' ? '1.0.0' : '0.2.0',
      changesets: ['c'],
    })),
  });

  it('flags a major that only a peer dependency caused', () => {
    const problems = unrequestedMajors(
      plan(
        [
          ['@x/a', 'minor'],
          ['@x/b', 'major'],
        ],
        [
          ['@x/a', 'minor'],
          ['@x/b', 'minor'],
        ],
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^@x\/b would go 0\.1\.0 -> 1\.0\.0 \(major\) though its changesets ask for minor/);
  });
  it('accepts a major that a changeset asks for, and dependents bumped by patch or minor', () => {
    expect(
      unrequestedMajors(
        plan(
          [
            ['@x/a', 'major'],
            ['@x/b', 'patch'],
          ],
          [['@x/a', 'major']],
        ),
      ),
    ).toEqual([]);
  });

  it('has no major that no changeset asked for, in this repository', async () => {
    expect(unrequestedMajors(await releasePlan(ROOT))).toEqual([]);
  });
});

describe('npm run version in a scratch copy of the workspace manifests and lockfile', () => {
  it('writes every planned version, a CHANGELOG per package with its changesets, updated internal ranges and lockfile, and consumes the changesets', async () => {
    const expected = await releasePlan(ROOT);
    const copy = join(tmp.dir, 'version');
    const files = ['package.json', 'package-lock.json', ...workspacePackages().map((p) => `${p.path}/package.json`)];
    for (const f of files) {
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(join(ROOT, f), join(copy, f));
    }
    cpSync(join(ROOT, '.changeset'), join(copy, '.changeset'), { recursive: true });
    // The root's own `version` script, as `npm run version` runs it (the copy has no node_modules of its own).
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
      'version'
    ]!;
    await execOk('sh', ['-c', script], {
      cwd: copy,
      env: { ...process.env, PATH: `${BIN}:${process.env['PATH'] ?? ''}`, npm_config_prefer_offline: 'true' },
      timeoutMs: 300_000,
    });

    const after = workspacePackages(copy);
    const lock = JSON.parse(readFileSync(join(copy, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    for (const r of expected.releases) {
      const p = after.find((a) => a.name === r.name)!;
      expect(p.version, r.name).toBe(r.newVersion);
      expect(lock.packages[p.path]?.version, `lockfile ${p.path}`).toBe(r.newVersion);
      const changelog = readFileSync(join(p.dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain(`## ${r.newVersion}`);
      for (const id of r.changesets) {
        const summary = expected.changesets.find((c) => c.id === id)!.summary.split('\n')[0]!;
        expect(changelog).toContain(summary);
      }
    }
    for (const p of after) {
      for (const [dep, range] of Object.entries({ ...p.manifest.dependencies })) {
        const target = after.find((a) => a.name === dep);
        if (target !== undefined) expect(range, `${p.name} -> ${dep}`).toMatch(new RegExp(`${target.version.replace(/\./g, '\\.')}$`));
      }
    }
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(left).toEqual([]);
    expect(existsSync(join(copy, '.changeset', 'config.json'))).toBe(true);
  }, 300_000);
});

describe('scripts/release.ts', () => {
  it('refuses to run with no package selected', async () => {
    const r = await exec(join(BIN, 'tsx'), ['scripts/release.ts', '--check', '--skip-build', '--only', 'no-such-package'], { cwd: ROOT });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no package to release');
  }, 120_000);
});
