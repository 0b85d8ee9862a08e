// What the page tells the user outside the views: a visible notice (where a code location is,
// in the browser) and a polite live region for screen readers.

import { el } from './dom';

export class Notices {
  readonly notice = el('div', { class: 'notice', attrs: { role: 'status' } });
  readonly announcer = el('div', { class: 'sr-only', attrs: { 'aria-live': 'polite' } });

  show(text: string): void {
    this.notice.textContent = text;
    this.notice.dataset.visible = 'true';
  }

  announce(text: string): void {
    this.announcer.textContent = text;
  }
}
