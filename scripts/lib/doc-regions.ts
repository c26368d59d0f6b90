import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Numbers in docs that a script measures are written by that script, between markers GitHub and npm do not show:
 *
 *     <!-- size:nog-client -->4,204 B<!-- /size -->                    (inline, in a sentence)
 *     <!-- size:table-jose -->                                          (a block: a table, on lines of its own)
 *
 *     | ... |
 *
 *     <!-- /size -->
 *
 * The tool (`size`, `bench-cli`) names the script that owns the region; the key names the figure. The script
 * rewrites every region it owns in every doc ({@link DOCS}); `tests/docs/test/doc-numbers.test.ts` fails when a
 * region differs from what the script would write now, naming the command that rewrites it, and when a doc has a
 * region whose key the script does not know.
 */

/** The docs that may hold regions, relative to `root`: every README, docs/*.md and docs/spec/*.md. */
export function docFiles(root: string): string[] {
  const md = (dir: string): string[] =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .filter((f) => f.endsWith('.md'))
          .map((f) => `${dir}/${f}`)
      : [];
  const packages = readdirSync(join(root, 'packages'))
    .map((d) => `packages/${d}/README.md`)
    .filter((f) => existsSync(join(root, f)));
  return ['README.md', ...packages, 'conformance/README.md', 'conformance/ports/python/README.md', ...md('docs'), ...md('docs/spec')];
}

export interface Region {
  readonly key: string;
  readonly content: string;
  /** Whether the region is a block (its markers on lines of their own). */
  readonly block: boolean;
  /** 1-based line of the opening marker. */
  readonly line: number;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (tool: string): RegExp => new RegExp(`<!-- ${escapeRe(tool)}:([a-z0-9-]+) -->([\\s\\S]*?)<!-- /${escapeRe(tool)} -->`, 'g');

/** The regions of `tool` in a text. */
export function regionsOf(text: string, tool: string): Region[] {
  return [...text.matchAll(pattern(tool))].map((m) => ({
    key: m[1]!,
    content: m[2]!,
    block: m[2]!.startsWith('\n'),
    line: text.slice(0, m.index).split('\n').length,
  }));
}

/** A block region's content as written: the text between blank lines. */
export const blockContent = (body: string): string => `\n\n${body.trim()}\n\n`;

/** The text with every region of `tool` rewritten from `values`; keys it does not know are returned, not touched. */
export function rewriteRegions(
  text: string,
  tool: string,
  values: Readonly<Record<string, string>>,
): { readonly text: string; readonly unknown: string[] } {
  const unknown: string[] = [];
  const out = text.replace(pattern(tool), (whole, key: string, content: string) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === undefined) {
      unknown.push(key);
      return whole;
    }
    return `<!-- ${tool}:${key} -->${content.startsWith('\n') ? blockContent(value) : value}<!-- /${tool} -->`;
  });
  return { text: out, unknown };
}

/** Rewrites the regions of `tool` in each file; returns the files changed and the unknown keys, by file. */
export function writeRegions(
  root: string,
  files: readonly string[],
  tool: string,
  values: Readonly<Record<string, string>>,
): { readonly changed: string[]; readonly unknown: string[] } {
  const changed: string[] = [];
  const unknown: string[] = [];
  for (const file of files) {
    const before = readFileSync(join(root, file), 'utf8');
    const after = rewriteRegions(before, tool, values);
    unknown.push(...after.unknown.map((k) => `${file}: ${tool}:${k}`));
    if (after.text !== before) {
      writeFileSync(join(root, file), after.text);
      changed.push(file);
    }
  }
  return { changed, unknown };
}

/** 4204 -> "4,204 B". */
export const bytes = (n: number): string => `${n.toLocaleString('en-US')} B`;
