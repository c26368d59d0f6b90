import type { Stage } from '@reqsign/canonical';

/**
 * Text rendering for `reqsign <scheme> explain`: stages one under the other, each value after the first with a caret
 * under its first character that differs from the first, so that two 200-character strings are compared by eye.
 */

/** A string with newlines and control characters visible (`\n`), so that one value is one line. */
export function visible(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

const LABEL = 16;
const WHO = 10;

/** The stages, aligned, with the first difference of each later value from the first value marked. */
export function renderStages(stages: readonly Stage[]): string {
  const lines: string[] = [];
  for (const stage of stages) {
    stage.values.forEach(({ who, text, differsAt }, i) => {
      lines.push(`  ${(i === 0 ? stage.name : '').padEnd(LABEL)}${who.padEnd(WHO)} ${visible(text)}`);
      if (differsAt === -1) return;
      const column = visible(text.slice(0, differsAt)).length;
      lines.push(
        `  ${''.padEnd(LABEL)}${''.padEnd(WHO)} ${' '.repeat(column)}^ differs from ${stage.values[0]!.who} at character ${differsAt + 1}`,
      );
    });
  }
  return lines.join('\n');
}

/** Aligned `name  value` lines. */
export function renderFields(fields: ReadonlyArray<readonly [string, string | null]>): string {
  return fields
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `  ${k.padEnd(LABEL)}${v}`)
    .join('\n');
}

/** The findings, or why there is none. */
export function renderFindings(findings: ReadonlyArray<{ readonly code: string; readonly message: string }>, none: string): string {
  if (findings.length === 0) return `  ${none}`;
  const width = Math.max(...findings.map((f) => f.code.length)) + 2;
  return findings.map((f) => `  ${f.code.padEnd(width)}${f.message}`).join('\n');
}
