import type { Stage } from '@reqsign/canonical';
import { el } from './dom.js';

/**
 * A value as one line: a newline (the string to sign has two) shown as the return symbol, other control characters
 * as U+FFFD. One character for one, so that character positions stay those of the value.
 */
export const visible = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\u21b5' : '\ufffd'));

/** A value with its first character that differs from the stage's first value marked (an empty mark past its end). */
function marked(text: string, at: number): HTMLElement {
  const shown = visible(text);
  if (at === -1) return el('code', {}, shown);
  const mark = el('mark', { title: `first difference, character ${at + 1}` }, at < text.length ? shown.charAt(at) : '\u2205');
  return el('code', { 'data-differs-at': String(at) }, shown.slice(0, at), mark, shown.slice(at + 1));
}

/** The stages as a table, each value after the first with its first difference from the first marked. */
export function stagesTable(stages: readonly Stage[]): HTMLElement {
  const body = el('tbody');
  for (const stage of stages) {
    stage.values.forEach(({ who, text, differsAt }, i) => {
      const note = differsAt === -1 ? null : el('small', {}, ` differs from ${stage.values[0]!.who} at character ${differsAt + 1}`);
      body.append(
        el(
          'tr',
          { 'data-stage': stage.name, 'data-who': who },
          i === 0 ? el('th', { rowspan: String(stage.values.length), scope: 'row' }, stage.name) : null,
          el('td', { class: 'who' }, who),
          el('td', {}, marked(text, differsAt), note),
        ),
      );
    });
  }
  return el('table', { class: 'stages' }, el('caption', {}, 'Stages'), body);
}

/** Name/value rows. */
export function fieldsTable(caption: string, rows: ReadonlyArray<readonly [string, string | null, string?]>): HTMLElement {
  return el(
    'table',
    { class: 'fields' },
    el('caption', {}, caption),
    el(
      'tbody',
      {},
      ...rows.map(([name, v, note]) =>
        el(
          'tr',
          { 'data-field': name },
          el('th', { scope: 'row' }, name),
          el('td', {}, v === null ? el('em', {}, '(none)') : el('code', {}, visible(v)), note ? el('small', {}, ` ${note}`) : null),
        ),
      ),
    ),
  );
}

/** The verdict line. */
export function verdict(valid: boolean, code: string | null, message: string | null): HTMLElement {
  return el(
    'p',
    { class: `verdict ${valid ? 'valid' : 'invalid'}`, 'data-valid': String(valid), 'data-code': code ?? '' },
    valid ? 'Valid: the signature verifies.' : `Invalid: ${code} (${message})`,
  );
}

/** The proven causes, or why there is none. */
export function findingsList(
  findings: ReadonlyArray<{ readonly code: string; readonly message: string }>,
  titles: Readonly<Record<string, string>>,
  none: string,
  reason: string | null = null,
): HTMLElement {
  if (findings.length === 0)
    return el(
      'section',
      { class: 'findings' },
      el('h3', {}, 'Diagnosis'),
      el('p', { class: 'none' }, none),
      reason === null ? null : el('p', { class: 'reason' }, reason),
    );
  return el(
    'section',
    { class: 'findings' },
    el('h3', {}, 'Diagnosis'),
    el(
      'ul',
      {},
      ...findings.map((f) =>
        el('li', { 'data-code': f.code }, el('strong', {}, titles[f.code] ?? f.code), ' ', el('code', {}, f.code), el('p', {}, f.message)),
      ),
    ),
  );
}
