import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How a fenced block is checked, from an HTML comment on the line before it (invisible on GitHub and npm):
 *
 * - no comment: a TypeScript or JavaScript block is type-checked and run; a Python block is run;
 * - `<!-- snippet: check -->`: type-checked only. No README may keep one: every block runs (readme-run.test.ts fails
 *   on a `check` block);
 * - `<!-- snippet: serve -->`: a Node server that listens forever: type-checked, started (on a free port), sent a
 *   signed and an unsigned request, then stopped (readme-run.test.ts);
 * - `<!-- snippet: serve env=worker -->`, `env=deno`: type-checked against that runtime's globals, and served by that
 *   runtime: a worker module in workerd (readme-workers.test.ts), a Deno program by Deno with its `npm:` imports from
 *   a registry on loopback (readme-registry.test.ts); `serve env=bun`: a module whose default export has `fetch` (a Hono
 *   app), served by Bun and type-checked as Node's (readme-run.test.ts);
 * - `needs=redis-topologies`: runs against a real Redis Cluster and Sentinel-managed primary on loopback, its
 *   hosts mapped to them (readme-redis-topologies.test.ts), not in readme-run.test.ts;
 * - `<!-- snippet: continues -->`: run after the block before it in the same README (it uses its names).
 * - `<!-- snippet: transcript -->` on a shell block: a terminal session, run and compared (readme-transcripts.test.ts):
 *   `$ command` lines, each followed by the output it prints; `...` stands for any text within a line, and a line of
 *   `...` alone for any number of lines. `transcript cwd=DIR` runs it in DIR of the repository (a spec's test keys).
 *
 * - `<!-- snippet: run -->` on a shell block: run with bash in the user's folder (readme-run.test.ts), `reqsign` on
 *   PATH and `curl` sent to the local stub (tests/docs/fixtures/bin/curl), which verifies what it receives;
 *   `run needs=registry`: one that installs from npm (`npx -p @reqsign/cli`), run against a registry on loopback
 *   that holds the packed packages (readme-registry.test.ts).
 *
 * Other shell blocks are not run: they install packages or need what a README test has not (readme-run.test.ts
 * lists them with why, and fails on one it does not know).
 *
 * A block that imports names the file a user saves it as in its first line, and so how Node runs it (npm 11's
 * `npm init -y` writes `"type": "commonjs"`): `// sign.mjs` is an ES module by its extension; `// app.ts ("type":
 * "module" in package.json)` one by its package (also: "... as an ES module"); any other `.js`/`.ts` is CommonJS,
 * as in a project `npm init -y` made. A block that continues another says `// sign.mjs, continued`.
 */
export interface Snippet {
  /** The README, relative to the repository. */
  readonly readme: string;
  /** `readme#n`, n counting the README's fenced blocks of this language from 1. */
  readonly id: string;
  readonly lang: 'ts' | 'js' | 'python';
  readonly code: string;
  readonly mode: 'run' | 'check' | 'serve';
  readonly env: 'node' | 'worker' | 'deno' | 'bun';
  /** What it runs against beyond a plain Redis (`needs=` in its note): `redis-topologies`. */
  readonly needs?: string;
  /** The code of the blocks this one continues, first. */
  readonly before: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  /** The file its first line names, and the module system Node runs it with there. */
  readonly file?: SnippetFile;
}

export interface SnippetFile {
  /** The file name (a path, for a framework's file such as `app/api/x/route.ts`). */
  readonly name: string;
  readonly module: 'esm' | 'cjs';
  /** Whether the block asks for `"type": "module"` in its package.json. */
  readonly typeModule: boolean;
}

/** The file a block's first line names (`// sign.mjs`, `// app.ts ("type": "module" in package.json)`). */
export function fileOf(code: string): SnippetFile | undefined {
  const m = /^\/\/ (\S+\.(mjs|mts|cjs|cts|js|ts))\b(.*)$/.exec(code.split('\n')[0] ?? '');
  if (m === null) return undefined;
  const typeModule = /"type": "module"/.test(m[3]!);
  const ext = m[2]!;
  const module = ext === 'mjs' || ext === 'mts' || typeModule || /as an ES module/.test(m[3]!) ? 'esm' : 'cjs';
  return { name: m[1]!, module, typeModule };
}

/** Every README of the repository: the root's, each package's, the conformance suite's and its Python port's. */
export function readmes(root: string): string[] {
  const packages = readdirSync(join(root, 'packages'))
    .map((d) => `packages/${d}/README.md`)
    .filter((f) => exists(join(root, f)));
  return ['README.md', ...packages, 'conformance/README.md', 'conformance/ports/python/README.md'];
}

function exists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

const LANGS: Record<string, Snippet['lang']> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', python: 'python', py: 'python' };

/** A shell block marked `transcript`: commands and the output each prints. */
export interface Transcript {
  readonly readme: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  /** The folder it runs in, relative to the repository (`cwd=` in its note); the user's folder without. */
  readonly cwd?: string;
  readonly steps: readonly { readonly command: string; readonly output: readonly string[] }[];
}

/** A shell block marked `run`: a script run with bash in the user's folder. */
export interface ShellBlock {
  readonly readme: string;
  /** What it runs against (`needs=` in its note): `registry`, a registry on loopback (readme-registry.test.ts). */
  readonly needs?: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly code: string;
}

/** The fenced blocks of a README, with their checking mode; other languages (sh, none) are returned as `text`. */
export function parseReadme(
  root: string,
  readme: string,
): { snippets: Snippet[]; text: string[]; transcripts: Transcript[]; shells: ShellBlock[]; unrun: ShellBlock[] } {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  const text: string[] = [];
  const transcripts: Transcript[] = [];
  const shells: ShellBlock[] = [];
  const unrun: ShellBlock[] = [];
  const counts: Record<string, number> = {};
  const previous: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const indent = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j]!.trim() !== '```'; j++)
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
    const code = `${body.join('\n')}\n`;
    const lang = LANGS[open[2]!.toLowerCase()];
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const note = /^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$/.exec(lines[k] ?? '')?.[1] ?? '';
    if (lang === undefined) {
      text.push(code);
      if (/^transcript\b/.test(note.trim())) {
        const cwd = /\bcwd=(\S+)/.exec(note)?.[1];
        const steps: { command: string; output: string[] }[] = [];
        for (const l of body) {
          if (l.startsWith('$ ')) steps.push({ command: l.slice(2), output: [] });
          else if (steps.length > 0) steps.at(-1)!.output.push(l);
          else throw new Error(`${readme}:${i + 1}: a transcript starts with a "$ " line`);
        }
        transcripts.push({ readme, line: i + 1, ...(cwd === undefined ? {} : { cwd }), steps });
      } else if (/^(sh|bash|shell)$/i.test(open[2]!)) {
        const needs = /\bneeds=(\S+)/.exec(note)?.[1];
        (/^run\b/.test(note.trim()) ? shells : unrun).push({ readme, line: i + 1, code, ...(needs === undefined ? {} : { needs }) });
      }
    } else {
      counts[lang] = (counts[lang] ?? 0) + 1;
      const words = note.split(/\s+/).filter(Boolean);
      const env = (words.find((w) => w.startsWith('env='))?.slice(4) ?? 'node') as Snippet['env'];
      const continues = words.includes('continues');
      const needs = words.find((w) => w.startsWith('needs='))?.slice(6);
      snippets.push({
        readme,
        id: `${readme}#${lang}${counts[lang]}`,
        lang,
        code,
        mode: words.includes('check') ? 'check' : words.includes('serve') ? 'serve' : 'run',
        env,
        ...(needs === undefined ? {} : { needs }),
        before: continues ? (previous[lang] ?? '') : '',
        line: i + 1,
        ...(fileOf(code) === undefined ? {} : { file: fileOf(code)! }),
      });
      previous[lang] = (continues ? (previous[lang] ?? '') : '') + code;
    }
    i = j;
  }
  return { snippets, text, transcripts, shells, unrun };
}
