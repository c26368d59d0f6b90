import { oneLine, printable } from './internal/printable.js';
import type { CaseResult, ImplementationReport } from './runner.js';
import { totals } from './runner.js';
import type { VectorFile } from './vectors.js';

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : oneLine(s.length > 400 ? `${s.slice(0, 400)}...` : s);
};

function headline(r: CaseResult): string {
  if (r.stage?.startsWith('port:')) return `port fault (${r.stage.slice(5)})`;
  if (r.stage === 'unsupported') return 'unsupported by the port (strict)';
  return `stage "${oneLine(r.stage ?? '')}" differs`;
}

/**
 * One failure as a few lines: which case, the first stage that differs, expected and actual. Text from the port is
 * shown escaped where a terminal would act on it (escape sequences, controls); the lines of a detail after its
 * first (a port's stderr) are indented, so that nothing a port writes can pass for a line of the report.
 */
export function formatFailure(impl: string, r: CaseResult): string {
  const lines = [`FAIL ${oneLine(impl)} ${oneLine(r.file)}/${oneLine(r.id)}: ${headline(r)}`];
  if (r.expected !== undefined || r.actual !== undefined) {
    lines.push(`  expected: ${show(r.expected)}`, `  actual:   ${show(r.actual)}`);
  }
  if (r.detail) lines.push(`  detail:   ${printable(r.detail).replace(/\n/g, '\n            ')}`);
  return lines.join('\n');
}

/**
 * The names reports are shown under, one per report and all different: a name that is already taken gets
 * ` (2)`, ` (3)`, ... (two ports whose hellos give the same name still get a column and a testsuite each).
 */
export function distinctNames(reports: readonly ImplementationReport[]): string[] {
  const seen = new Set<string>();
  return reports.map((r) => {
    let name = r.name;
    for (let n = 2; seen.has(name); n++) name = `${r.name} (${n})`;
    seen.add(name);
    return name;
  });
}

/**
 * A table: one row per vector file (scheme and operation), one column per implementation, each cell
 * `passed/cases` with the failures and unsupported cases counted.
 */
export function formatTable(files: readonly VectorFile[], reports: readonly ImplementationReport[]): string {
  const header = ['vectors', 'scheme', 'operation', 'cases', ...distinctNames(reports).map(oneLine)];
  // The cases that ran (with --filter, fewer than the file has); without reports, the whole file.
  const ran = new Map(
    files.map((f) => [
      f.name,
      reports.length === 0 ? f.cases.length : Math.max(0, ...reports.map((r) => r.results.filter((c) => c.file === f.name).length)),
    ]),
  );
  const shown = files.filter((f) => ran.get(f.name)! > 0);
  const cell = (mine: readonly CaseResult[]): string => {
    const { passed, failed, unsupported } = totals([{ results: mine }]);
    return `${passed}/${mine.length}${failed ? ` ${failed} FAILED` : ''}${unsupported ? ` ${unsupported} unsupported` : ''}`;
  };
  const rows = shown.map((f) => {
    const cells = reports.map((r) => {
      const mine = r.results.filter((c) => c.file === f.name);
      return mine.length === 0 ? '-' : cell(mine);
    });
    return [f.name, f.scheme, f.operation, String(ran.get(f.name)), ...cells];
  });
  const t = reports.map((r) => {
    const { passed, failed } = totals([r]);
    return `${passed}/${r.results.length}${failed ? ` ${failed} FAILED` : ''}`;
  });
  rows.push(['total', '', '', String(shown.reduce((n, f) => n + ran.get(f.name)!, 0)), ...t]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The closing line: `N passed, N failed` (with `, N unsupported` when a port left cases out). */
export function formatTotals(reports: readonly ImplementationReport[]): string {
  const { passed, failed, unsupported } = totals(reports);
  return `${passed} passed, ${failed} failed${unsupported ? `, ${unsupported} unsupported` : ''}`;
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\t': '&#9;',
};
/** Element text: what XML 1.0 does not allow is escaped by {@link printable}, markup characters as entities. */
const xmlText = (s: string): string => printable(s).replace(/[&<>]/g, (c) => XML_ESCAPES[c]!);
/** An attribute value, on one line (a raw newline in an attribute would be read back as a space). */
const xmlAttr = (s: string): string => oneLine(s).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/**
 * JUnit XML: a testsuite per implementation and vector file, a testcase per vector. Well-formed XML 1.0 whatever a
 * port wrote; implementations with the same name get distinct testsuite names ({@link distinctNames}).
 */
export function toJUnit(files: readonly VectorFile[], reports: readonly ImplementationReport[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const { passed, failed, unsupported } = totals(reports);
  const names = distinctNames(reports);
  out.push(
    `<testsuites name="reqsign-conformance" tests="${passed + failed + unsupported}" failures="${failed}" skipped="${unsupported}">`,
  );
  reports.forEach((r, i) => {
    const name = names[i]!;
    for (const f of files) {
      const mine = r.results.filter((c) => c.file === f.name);
      if (mine.length === 0) continue;
      const t = totals([{ results: mine }]);
      out.push(
        `  <testsuite name="${xmlAttr(`${name} ${f.name}`)}" tests="${mine.length}" failures="${t.failed}" skipped="${t.unsupported}">`,
      );
      for (const c of mine) {
        const open = `    <testcase classname="${xmlAttr(`${name}.${f.name}`)}" name="${xmlAttr(c.id)}"`;
        if (c.status === 'pass') out.push(`${open}/>`);
        else if (c.status === 'unsupported') out.push(`${open}><skipped message="unsupported by the port"/></testcase>`);
        else out.push(`${open}><failure message="${xmlAttr(headline(c))}">${xmlText(formatFailure(name, c))}</failure></testcase>`);
      }
      out.push('  </testsuite>');
    }
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

export interface JsonReportOptions {
  /** The run's mode, recorded in the report: whether unsupported cases counted as failures. */
  readonly strict?: boolean;
}

/** The JSON report: the mode and totals, then every implementation with its hello and every case result. */
export function toJson(files: readonly VectorFile[], reports: readonly ImplementationReport[], options: JsonReportOptions = {}): string {
  const names = distinctNames(reports);
  return `${JSON.stringify(
    {
      strict: options.strict ?? reports.some((r) => r.strict),
      ...totals(reports),
      vectors: files.map((f) => ({ name: f.name, scheme: f.scheme, operation: f.operation, version: f.version, cases: f.cases.length })),
      implementations: reports.map((r, i) => ({ ...r, name: names[i] })),
    },
    null,
    2,
  )}\n`;
}
