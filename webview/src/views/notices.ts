// What the page tells the user outside the views: a visible notice (where a code location is,
// in the browser) and a polite live region for screen readers.

import { el } from './dom';

/** A notice fades after this long: it sits over a corner of the stage (the trace view's span pane). */
const NOTICE_MS = 8000;

export class Notices {
  readonly notice = el('div', { class: 'notice', attrs: { role: 'status' } });
  readonly announcer = el('div', { class: 'sr-only', attrs: { 'aria-live': 'polite' } });
  private timer: ReturnType<typeof setTimeout> | undefined;

  show(text: string): void {
    this.notice.textContent = text;
    this.notice.dataset.visible = 'true';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.notice.dataset.visible = 'false'), NOTICE_MS);
  }

  announce(text: string): void {
    this.announcer.textContent = text;
  }
}
