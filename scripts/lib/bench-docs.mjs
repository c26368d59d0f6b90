// Benchmark figures in docs, written by the benchmark that measured them. Times and ratios depend on the machine and
// its load, so a doc does not claim them for every machine, and a test does not measure them again (that would test
// the machine): a bench writes its run between `<!-- bench-NAME:KEY -->` and `<!-- /bench-NAME -->` (the markers of
// scripts/lib/doc-regions.ts) as a table stamped with the machine, Node version, commit and date it ran on, with the
// raw run in a comment above it. tests/docs/test/doc-numbers.test.ts renders each such region again from its comment
// with renderBench and fails when it differs (a figure edited by hand) or is not stamped. Plain JavaScript: the benches run under node and tsx alike.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';

/** Where and when a run happens: the machine, Node, the commit (marked when the tree has changes) and the day. */
export function stamp() {
  let commit = 'unknown';
  try {
    const head = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    commit = dirty ? `${head} (with uncommitted changes)` : head;
  } catch {}
  const cpu = cpus();
  return {
    machine: `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${process.platform} ${process.arch})`,
    node: process.version,
    commit,
    date: new Date().toISOString().slice(0, 10),
  };
}

/**
 * The region's text for a run: `{ command, machine, node, commit, date, note?, columns, rows }`, rows of strings as
 * they are shown.
 */
export function renderBench(run) {
  return [
    `<!-- ${JSON.stringify(run)} -->`,
    '',
    `Measured by \`${run.command}\` on ${run.machine}, Node ${run.node}, at commit ${run.commit} (${run.date})${run.load === undefined ? '' : `, load average ${run.load}`}${run.note ? `: ${run.note}` : '.'}`,
    '',
    `| ${run.columns.join(' | ')} |`,
    `|${run.columns.map(() => '---').join('|')}|`,
    ...run.rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Rewrites the regions of `tool` in `file` (a URL or path): `values` by key, a run (object) or an inline text. */
export function writeBenchRegions(file, tool, values) {
  const text = readFileSync(file, 'utf8');
  const re = new RegExp(`<!-- ${tool}:([a-z0-9-]+) -->([\\s\\S]*?)<!-- /${tool} -->`, 'g');
  const out = text.replace(re, (_whole, key, content) => {
    if (!Object.hasOwn(values, key)) throw new Error(`${String(file)}: unknown ${tool} figure ${key}`);
    const v = values[key];
    const body = typeof v === 'string' ? v : renderBench(v);
    return `<!-- ${tool}:${key} -->${content.startsWith('\n') ? `\n\n${body.trim()}\n\n` : body}<!-- /${tool} -->`;
  });
  if (out !== text) writeFileSync(file, out);
  return out !== text;
}
