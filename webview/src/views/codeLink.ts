// The link to a line of code, the same in every view: in VS Code a button that asks the host to
// open the line; in the browser a vscode://file/ link when the absolute path is known.

import type { CodeLocation } from '../../../common/src/graph';
import { fileNameLabel, locationLabel, shortLocationLabel, vscodeFileUrl } from '../codeLinks';
import { button, el } from './dom';

export interface CodeLinkOptions {
  /** The browser page: full paths, vscode://file/ links. */
  showPath: boolean;
  /** Absolute folder of workspace-relative paths, when known. */
  root: string | null;
  open(location: CodeLocation): void;
  /** Show only the file's name and line, even in the browser; the full path goes in the tooltip. */
  compact?: boolean;
}

/**
 * file:line as a link. The browser link opens outside the page (target _blank): navigating the
 * page itself to an external scheme would cut its live event stream. Clicking it also tells the
 * host, which shows where the line is.
 */
export function codeLink(loc: CodeLocation, options: CodeLinkOptions): HTMLElement {
  const attrs = { 'data-file': loc.file, 'data-line': String(loc.line) };
  const url = options.showPath ? vscodeFileUrl(loc, options.root) : null;
  const label = options.compact ? fileNameLabel(loc) : options.showPath ? locationLabel(loc) : shortLocationLabel(loc);
  if (url) return el('a', { class: 'code-link', text: label, attrs: { ...attrs, href: url, target: '_blank', rel: 'noopener noreferrer', title: `Open ${locationLabel(loc)} in VS Code` }, onClick: () => options.open(loc) });
  return button(label, () => options.open(loc), 'code-link', { ...attrs, title: options.showPath ? `${locationLabel(loc)} (open it in your editor)` : `Open ${locationLabel(loc)}` });
}
