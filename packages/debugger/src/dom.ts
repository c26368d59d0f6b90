/** Small DOM helpers: the page has no framework, and builds every node with textContent (never innerHTML). */

type Child = Node | string | null | undefined | false;

/** An element with attributes (strings; `class` and data-* too) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** The form control with this id (the page's markup has it). */
export function control(id: string): HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
  const node = document.getElementById(id);
  if (!(node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement || node instanceof HTMLSelectElement)) {
    throw new Error(`no form control #${id}`);
  }
  return node;
}

/** A control's value, trimmed of surrounding whitespace (a pasted URL often ends with a newline). */
export const value = (id: string): string => control(id).value.trim();

/** A control's value exactly as given, never trimmed (a signature: a trailing newline is part of what arrived). */
export const raw = (id: string): string => control(id).value;

/** A control's value as a list: one item per line or comma, empty ones dropped. */
export const list = (id: string): string[] =>
  value(id)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Replaces the content of the element with this id. */
export function show(id: string, ...children: Child[]): void {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`no #${id}`);
  node.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** Runs `work` when the form is submitted (never submitting it: nothing leaves the page), showing any error. */
export function onSubmit(formId: string, resultId: string, work: () => Promise<void>): void {
  const form = document.getElementById(formId);
  if (!(form instanceof HTMLFormElement)) throw new Error(`no form #${formId}`);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    work().catch((err: unknown) => {
      const code = typeof err === 'object' && err !== null && 'code' in err ? ` (${String((err as { code: unknown }).code)})` : '';
      show(resultId, el('p', { class: 'error', role: 'alert' }, `${err instanceof Error ? err.message : String(err)}${code}`));
    });
  });
}
