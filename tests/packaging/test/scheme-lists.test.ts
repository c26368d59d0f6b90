/**
 * One manifest: conformance/src/schemes.ts's SCHEMES is the one description of the schemes, and every other file
 * derives its list from it (or from the workspace's package.json files). This suite fails when a source, test,
 * script or config file names the schemes in a list of its own, so that a new scheme is never silently left out of
 * a check (docs/ARCHITECTURE.md, "Adding a scheme").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMES } from '../../../conformance/src/schemes.js';
import { publicPackages, ROOT } from '../../../scripts/lib/workspace.js';

/**
 * Files that may keep a list of schemes, each with what keeps it right. Everything else derives its list. An entry
 * here is a place that adding a scheme edits: docs/ARCHITECTURE.md's "Adding a scheme" names each.
 */
const ALLOWED: Record<string, string> = {
  'conformance/src/schemes.ts': 'the manifest itself',
  'conformance/schema/envelope.schema.json':
    'a JSON Schema cannot import SCHEMES: its enum is generated from SCHEMES (npm run schemas, scripts/schemas.ts), and conformance/test/vectors.test.ts fails until it is run',
  'packages/debugger/test/debugger.test.ts':
    "the debugger page's tabs are written per scheme (packages/debugger is a page for these two schemes)",
};

/** The words that name a signing scheme: its id, its command, its package, its directory. */
const SIGNING = SCHEMES.filter((s) => s.command !== undefined);
const namesOf = (s: (typeof SIGNING)[number]): string[] => {
  const dir = s.package.replace('@reqsign/', '');
  return [...new Set([s.id, s.command!, s.package, dir, `packages/${dir}`])];
};
const schemeOfName = new Map(SIGNING.flatMap((s) => namesOf(s).map((n) => [n, s.id] as const)));
const escapeRe = (t: string): string => t.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const NAME = `(?:${[...schemeOfName.keys()]
  .sort((a, b) => b.length - a.length)
  .map(escapeRe)
  .join('|')})`;
/**
 * Two names of different schemes side by side in a list: array or call arguments (`'A', 'B'`), a union
 * (`'A' | 'B'`), a regular expression's alternation (`(A|B)`), JSON (`"packages/A", "packages/B"`).
 */
const LIST = new RegExp(`(?<![\\w/@.-])(${NAME})(?![\\w-])['"\`]?\\s*[,|]\\s*['"\`]?(${NAME})(?![\\w-])`, 'g');

/** Where a file names two schemes in a list: `line: text`. */
export function schemeLists(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(LIST)) {
    if (schemeOfName.get(m[1]!) === schemeOfName.get(m[2]!)) continue;
    found.push(`${text.slice(0, m.index).split('\n').length}: ${m[0].replace(/\s+/g, ' ')}`);
  }
  return found;
}

/** The repository's files that code or configuration is in (tracked and new), not docs, vectors or API reports. */
function codeFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|mts|cts|mjs|cjs|js|py|json|jsonc|html|sh|ya?ml)$/.test(f) || f.startsWith('.ci/'))
    .filter((f) => !/^(api\/|docs\/|conformance\/vectors\/)|package-lock\.json$|(^|\/)CHANGELOG/.test(f));
}

describe('one list of schemes: SCHEMES', () => {
  it('the scan finds a list of schemes written out, in each form (the test can fail)', () => {
    const [a, b] = SIGNING;
    expect(a && b).toBeTruthy();
    const samples = [
      `const x = ['${a!.command}', '${b!.command}'];`,
      `type T = '${a!.id}' | '${b!.id}';`,
      `/packages\\/(${a!.command}|${b!.command})\\/dist/`,
      `{ "entryPoints": ["packages/${a!.package.slice(9)}",\n "packages/${b!.package.slice(9)}"] }`,
      `deps(['${a!.package}', '${b!.package}'])`,
    ];
    for (const sample of samples) expect(schemeLists(sample), sample).toHaveLength(1);
    // One scheme's words side by side, or a scheme and a command, are no list of schemes.
    expect(schemeLists(`['${a!.command}', 'sign'], ['${a!.command}', '${a!.id}']`)).toEqual([]);
  });

  it('no source, test, script or config file names the schemes in a list of its own', () => {
    const files = codeFiles();
    expect(files.length).toBeGreaterThan(100);
    const lists: string[] = [];
    for (const file of files) {
      if (Object.hasOwn(ALLOWED, file)) continue;
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      for (const at of schemeLists(text)) lists.push(`${file}:${at}`);
    }
    expect(
      lists,
      'derive these from SCHEMES (conformance/src/schemes.ts, or @reqsign/conformance/schemes) or from the workspace, ' +
        "so that a new scheme is in them; a file that cannot (JSON) goes in this suite's ALLOWED with what checks it",
    ).toEqual([]);
  });

  it('every allowed file still has a list (an entry goes once its file derives it)', () => {
    for (const file of Object.keys(ALLOWED)) {
      if (file === 'conformance/src/schemes.ts') continue;
      expect(schemeLists(readFileSync(join(ROOT, file), 'utf8')), file).not.toEqual([]);
    }
  });

  it("typedoc.config.mjs's entry points are the workspace's public packages, read from the workspace", async () => {
    const config = (await import(pathToFileURL(join(ROOT, 'typedoc.config.mjs')).href)) as { default: { entryPoints: string[] } };
    const expected = publicPackages().map((p) => p.path);
    expect([...config.default.entryPoints].sort()).toEqual([...expected].sort());
    expect(existsSync(join(ROOT, 'typedoc.json')), 'typedoc.json would be read before typedoc.config.mjs').toBe(false);
  });

  it('every scheme with a command has a CLI group, a bundle budget with a jose pair, and a crypto kind', () => {
    for (const s of SIGNING) {
      expect(s.cli, `${s.id}: add cli to its SCHEMES entry`).toBeDefined();
      expect(s.bundle, `${s.id}: add bundle (budgets and a jose pair) to its SCHEMES entry`).toBeDefined();
      expect(s.bundle!.jose.length, s.id).toBeGreaterThan(0);
      expect(s.crypto, s.id).not.toBe('none');
    }
  });

  it('every scheme with a command has its opt-in diagnosis entry, ./diagnose, with a node and a WebCrypto build', () => {
    const byName = new Map(publicPackages().map((p) => [p.name, p]));
    for (const s of SIGNING) {
      const pkg = byName.get(s.package);
      expect(pkg, `${s.package} is no public workspace package`).toBeDefined();
      const diagnose = (pkg!.manifest['exports'] as Record<string, { node?: unknown; default?: unknown }>)['./diagnose'];
      expect(diagnose, `${s.package}: add a ./diagnose export (docs/ARCHITECTURE.md, One shape for every scheme)`).toBeDefined();
      expect(diagnose!.node, s.package).toBeDefined();
      expect(diagnose!.default, s.package).toBeDefined();
    }
  });
});
