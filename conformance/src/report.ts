import { oneLine, printable } from './internal/printable.js';
import type { CaseResult, ImplementationReport } from './runner.js';
import { totals } from './runner.js';
import type { VectorFile } from './vectors.js';

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : oneLine(s.length > 400 ? `${s.slice(0, 400)}...` : s);
};

/** How a report is printed: `colour` marks FAIL and the totals with ANSI colours (for a terminal only). */
export interface FormatOptions {
  readonly colour?: boolean;
}

const paint = (on: boolean | undefined, code: number, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
const red = (options: FormatOptions, text: string): string => paint(options.colour, 31, text);
const green = (options: FormatOptions, text: string): string => paint(options.colour, 32, text);

/** A value is shown up to 400 characters: a difference after this many is shown from shortly before it. */
const CUT_AFTER = 300;
const WINDOW_BEFORE = 40;

/**
 * For two differing strings: the `expected:` and `actual:` lines, cut to start shortly before the first difference
 * when it lies far in, and a line with a caret under it that says at which character (counted from 1) they part.
 */
function stringDifference(expected: string, actual: string): string[] {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  // Never between the halves of a surrogate pair: the caret goes under the whole character.
  if (i > 0 && /[\ud800-\udbff]/.test(expected[i - 1]!)) i--;
  let start = i > CUT_AFTER ? i - WINDOW_BEFORE : 0;
  if (start > 0 && /[\udc00-\udfff]/.test(expected[start]!)) start--;
  const cut = start > 0 ? '...' : '';
  const shown = (s: string): string => cut + show(s.slice(start));
  // The caret's column: the shown text up to the difference, without the closing quote.
  const column = cut.length + show(expected.slice(start, i)).length - 1;
  return [
    `  expected: ${shown(expected)}`,
    `  actual:   ${shown(actual)}`,
    `            ${' '.repeat(column)}^ first difference at character ${i + 1}`,
  ];
}

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
export function formatFailure(impl: string, r: CaseResult, options: FormatOptions = {}): string {
  const lines = [`${red(options, 'FAIL')} ${oneLine(impl)} ${oneLine(r.file)}/${oneLine(r.id)}: ${headline(r)}`];
  if (typeof r.expected === 'string' && typeof r.actual === 'string') lines.push(...stringDifference(r.expected, r.actual));
  else if (r.expected !== undefined || r.actual !== undefined) {
    lines.push(`  expected: ${show(r.expected)}`, `  actual:   ${show(r.actual)}`);
  }
  if (r.detail) lines.push(`  detail:   ${printable(r.detail).replace(/\n/g, '\n            ')}`);
  return lines.join('\n');
}

/**
 * Every failure of one implementation, as {@link formatFailure} writes them, except that the cases a port failed
 * because it could not be started (or restarted) are one block, not one identical block per case.
 */
export function formatFailures(
  impl: string,
  report: Pick<ImplementationReport, 'results' | 'startFault'>,
  options: FormatOptions = {},
): string[] {
  const start = report.startFault;
  const unsent = (r: CaseResult): boolean => start !== undefined && r.stage === `port:${start.fault}` && r.detail === start.detail;
  const failed = report.results.filter((r) => r.status === 'fail');
  const count = failed.filter(unsent).length;
  const out: string[] = [];
  let shown = false;
  for (const r of failed) {
    if (!unsent(r) || count === 1) out.push(formatFailure(impl, r, options));
    else if (!shown) {
      shown = true;
      const lines = [
        `${red(options, 'FAIL')} ${oneLine(impl)}: port fault (${oneLine(start!.fault)}): the port could not be started, so ${count} cases failed without being sent`,
      ];
      lines.push(`  detail:   ${printable(start!.detail).replace(/\n/g, '\n            ')}`);
      out.push(lines.join('\n'));
    }
  }
  return out;
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
export function formatTotals(reports: readonly ImplementationReport[], options: FormatOptions = {}): string {
  const { passed, failed, unsupported } = totals(reports);
  const failedText = `${failed} failed`;
  return `${green(options, `${passed} passed`)}, ${failed ? red(options, failedText) : failedText}${unsupported ? `, ${unsupported} unsupported` : ''}`;
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
