import type { CaseResult, ImplementationReport } from './runner.js';
import { totals } from './runner.js';
import type { VectorFile } from './vectors.js';

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 400 ? `${s.slice(0, 400)}...` : s;
};

/** One failure as a few lines: which case, the first stage that differs, expected and actual. */
export function formatFailure(impl: string, r: CaseResult): string {
  const lines = [`FAIL ${impl} ${r.file}/${r.id}: ${r.stage?.startsWith('port:') ? `port fault (${r.stage.slice(5)})` : `stage "${r.stage}" differs`}`];
  if (r.expected !== undefined || r.actual !== undefined) {
    lines.push(`  expected: ${show(r.expected)}`, `  actual:   ${show(r.actual)}`);
  }
  if (r.detail) lines.push(`  detail:   ${r.detail}`);
  return lines.join('\n');
}

/**
 * A table: one row per vector file (scheme and operation), one column per implementation, each cell
 * `passed/cases` with the failures and unsupported cases counted.
 */
export function formatTable(files: readonly VectorFile[], reports: readonly ImplementationReport[]): string {
  const header = ['vectors', 'scheme', 'operation', 'cases', ...reports.map((r) => r.name)];
  // The cases that ran (with --filter, fewer than the file has); without reports, the whole file.
  const ran = new Map(files.map((f) => [f.name, reports.length === 0 ? f.cases.length : Math.max(0, ...reports.map((r) => r.results.filter((c) => c.file === f.name).length))]));
  const shown = files.filter((f) => ran.get(f.name)! > 0);
  const rows = shown.map((f) => {
    const cells = reports.map((r) => {
      const mine = r.results.filter((c) => c.file === f.name);
      if (mine.length === 0) return '-';
      const pass = mine.filter((c) => c.status === 'pass').length;
      const fail = mine.filter((c) => c.status === 'fail').length;
      const unsup = mine.length - pass - fail;
      return `${pass}/${mine.length}${fail ? ` ${fail} FAILED` : ''}${unsup ? ` ${unsup} unsupported` : ''}`;
    });
    return [f.name, f.scheme, f.operation, String(ran.get(f.name)), ...cells];
  });
  const t = reports.map((r) => {
    const { passed, failed } = totals([r]);
    return `${passed}/${r.results.length}${failed ? ` ${failed} FAILED` : ''}`;
  });
  rows.push(['total', '', '', String(shown.reduce((n, f) => n + ran.get(f.name)!, 0)), ...t]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The closing line: `N passed, N failed` (with `, N unsupported` when a port left cases out). */
export function formatTotals(reports: readonly ImplementationReport[]): string {
  const { passed, failed, unsupported } = totals(reports);
  return `${passed} passed, ${failed} failed${unsupported ? `, ${unsupported} unsupported` : ''}`;
}

const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML: a testsuite per implementation and vector file, a testcase per vector. */
export function toJUnit(files: readonly VectorFile[], reports: readonly ImplementationReport[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const { passed, failed, unsupported } = totals(reports);
  out.push(`<testsuites name="reqsign-conformance" tests="${passed + failed + unsupported}" failures="${failed}" skipped="${unsupported}">`);
  for (const r of reports) {
    for (const f of files) {
      const mine = r.results.filter((c) => c.file === f.name);
      if (mine.length === 0) continue;
      const fails = mine.filter((c) => c.status === 'fail').length;
      const skips = mine.filter((c) => c.status === 'unsupported').length;
      out.push(`  <testsuite name="${xml(`${r.name} ${f.name}`)}" tests="${mine.length}" failures="${fails}" skipped="${skips}">`);
      for (const c of mine) {
        const open = `    <testcase classname="${xml(`${r.name}.${f.name}`)}" name="${xml(c.id)}"`;
        if (c.status === 'pass') out.push(`${open}/>`);
        else if (c.status === 'unsupported') out.push(`${open}><skipped message="unsupported by the port"/></testcase>`);
        else out.push(`${open}><failure message="${xml(`first differing stage: ${c.stage}`)}">${xml(formatFailure(r.name, c))}</failure></testcase>`);
      }
      out.push('  </testsuite>');
    }
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** The JSON report: totals, then every implementation with its hello and every case result. */
export function toJson(files: readonly VectorFile[], reports: readonly ImplementationReport[]): string {
  return JSON.stringify(
    {
      ...totals(reports),
      vectors: files.map((f) => ({ name: f.name, scheme: f.scheme, operation: f.operation, version: f.version, cases: f.cases.length })),
      implementations: reports,
    },
    null,
    2,
  ) + '\n';
}
