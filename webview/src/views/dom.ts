// Tiny DOM builder. Text always goes through textContent, so span data is never parsed as HTML.

export interface ElOptions {
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
  onClick?: (event: MouseEvent) => void;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElOptions = {}, children: Array<Node | string> = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [k, v] of Object.entries(options.attrs ?? {})) node.setAttribute(k, v);
  if (options.onClick) node.addEventListener('click', options.onClick as EventListener);
  for (const c of children) node.append(c);
  return node;
}

export function button(text: string, onClick: (event: MouseEvent) => void, cls = '', attrs: Record<string, string> = {}): HTMLButtonElement {
  return el('button', { class: cls, text, attrs: { type: 'button', ...attrs }, onClick });
}

/** A two-column table of row headings and values (the details panels' facts). */
export function factsTable(rows: Array<[string, string]>, cls = 'facts'): HTMLTableElement {
  return el('table', { class: cls }, rows.map(([k, v]) => el('tr', {}, [el('th', { text: k, attrs: { scope: 'row', title: k } }), el('td', { text: v })])));
}
