import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BIN, ROOT } from '../../../../scripts/lib/workspace.js';
import type { Snippet } from './snippets.js';

/** The name of a block's scratch file. */
export const slug = (s: Snippet): string => s.id.replace(/[^A-Za-z0-9]+/g, '-');

/** One module per block: the blocks it continues, then its own code; `export {}` keeps each a module of its own. */
export const source = (s: Snippet): string => {
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
export const PROGRAMS = {
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

/** The type errors of one program's blocks (written under `work`), each named by its README and line. */
export function typeErrors(snippets: readonly Snippet[], work: string, name: keyof typeof PROGRAMS): string[] {
  const program = PROGRAMS[name];
  // Bun runs Node's code: its blocks are checked as Node's.
  const mine = snippets.filter((s) => s.lang === program.lang && (s.env === 'bun' ? 'node' : s.env) === program.env);
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
