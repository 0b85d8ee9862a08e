// The trace view: one trace as a waterfall (a treegrid navigated with the arrow keys), its
// header with the services' colours, and the selected span's pane. Shown in place of the map
// while a trace is open; Escape (handled by the app) closes it.

import type { CodeLocation } from '../../../common/src/graph';
import type { TraceLink } from '../../../common/src/traces';
import { resolveLocation, runtimeLocation, type RuntimeFileResolver } from '../codeLinks';
import { formatCount, formatMs } from '../format';
import type { OpenTrace } from '../tracesQuery';
import { buildWaterfall, visibleRows, type Waterfall, type WaterfallRow } from '../waterfall';
import { codeLink } from './codeLink';
import { button, el } from './dom';
import { renderSpanPane } from './spanPane';
import { axisRow, extrasRow, gridLines, hasExtras, spanRow, type RowOptions } from './waterfallRows';

export interface TraceViewEvents {
  close(): void;
  back(): void;
  follow(link: TraceLink): void;
  openLocation(location: CodeLocation): void;
}

export interface TraceViewContext {
  /** The browser page: full paths and vscode://file/ links. */
  showPath: boolean;
  root: string | null;
  resolve: RuntimeFileResolver;
  /** Traces Back returns to. */
  backCount: number;
}

export class TraceView {
  readonly element: HTMLElement;
  private readonly header = el('header', { class: 'trace-header' });
  private readonly scroll = el('div', { class: 'wf-scroll' });
  private readonly pane = el('aside', { class: 'span-pane', attrs: { 'aria-label': 'Selected span' } });
  private shown: OpenTrace | null = null;
  private wf: Waterfall | null = null;
  private collapsed = new Set<string>();
  private extrasOpen = new Set<string>();
  private selected = 0;
  /** The drawn span rows by row index, and the one marked selected (a key press touches two rows, not all). */
  private rowEls = new Map<number, HTMLElement>();
  private extrasEls = new Map<number, HTMLElement>();
  private selectedEl: HTMLElement | null = null;
  private critical = true;
  private ctx: TraceViewContext = { showPath: false, root: null, resolve: () => null, backCount: 0 };
  private readonly rowOptions: RowOptions;

  constructor(private readonly events: TraceViewEvents) {
    this.element = el('section', { class: 'trace-view', attrs: { 'aria-label': 'Trace' } }, [this.header, el('div', { class: 'trace-body' }, [this.scroll, this.pane])]);
    this.scroll.addEventListener('keydown', (e) => this.onKey(e));
    this.scroll.addEventListener('click', (e) => this.onClick(e));
    this.rowOptions = {
      codeLink: (loc) => codeLink(loc, { showPath: this.ctx.showPath, root: this.ctx.root, open: (l) => this.events.openLocation(l), compact: true }),
      location: (row) => this.location(row),
      follow: (link) => this.events.follow(link),
    };
  }

  /** Renders `open` unless it is the state already shown; returns whether it rendered. */
  show(open: OpenTrace, ctx: TraceViewContext): boolean {
    if (open === this.shown) return false;
    this.ctx = ctx;
    const sameTrace = this.shown?.traceId === open.traceId && this.shown.state === 'shown' && open.state === 'shown';
    this.shown = open;
    this.element.dataset.state = open.state;
    this.element.dataset.traceId = open.traceId;
    if (open.state !== 'shown') {
      this.wf = null;
      this.renderHeader(null);
      const text = open.state === 'loading' ? 'Loading the trace…' : `Trace ${open.traceId} is not available: ${open.error}`;
      this.scroll.replaceChildren(el('p', { class: `hint trace-message${open.state === 'failed' ? ' is-error' : ''}`, text, attrs: { role: 'status' } }));
      this.pane.replaceChildren();
      return true;
    }
    this.wf = buildWaterfall(open.trace);
    if (!sameTrace) {
      this.collapsed = new Set();
      // Exceptions are what a failing trace is opened for: shown at once.
      this.extrasOpen = new Set(this.wf.rows.filter((r) => r.exceptions.length).map((r) => r.span.spanId));
      const target = open.spanId ? this.wf.rows.findIndex((r) => r.span.spanId === open.spanId) : -1;
      this.selected = target >= 0 ? target : 0;
    }
    this.renderHeader(this.wf);
    this.renderRows();
    return true;
  }

  /**
   * Keyboard focus on the selected span (after the view is attached), scrolled into view unless
   * `preventScroll`: after a fold the row is where it was, and scrolling would lay out every row.
   */
  focus(preventScroll = false): void {
    const row = this.rowElement(this.selected);
    (row ?? this.header.querySelector<HTMLElement>('button.trace-close'))?.focus({ preventScroll });
  }

  private renderHeader(wf: Waterfall | null): void {
    const root = wf?.rows[0]?.span;
    const title = el('h2', { class: 'trace-title', text: root ? root.name : 'Trace', attrs: { title: root?.name ?? '' } });
    const facts = wf
      ? [formatMs(wf.durationMs), `${formatCount(wf.rows.length)} spans`, `${wf.services.length} service${wf.services.length === 1 ? '' : 's'}`, ...(wf.errorCount ? [`${wf.errorCount} error${wf.errorCount === 1 ? '' : 's'}`] : [])]
      : [];
    const id = this.shown?.traceId ?? '';
    const meta = el('p', { class: 'trace-meta-line' }, [
      ...facts.map((f, i) => el('span', { class: i === 3 ? 'trace-errors' : '', text: f })),
      el('span', { class: 'trace-id', text: `trace ${id.slice(0, 12)}…`, attrs: { title: id } }),
      ...(wf?.missingSpans ? [el('span', { class: 'trace-missing', text: `${formatCount(wf.missingSpans)} spans missing` })] : []),
      ...(this.shown?.state === 'shown' && this.shown.trace.source && this.shown.trace.source !== 'local' ? [el('span', { class: 'trace-source', text: `from ${this.shown.trace.source}` })] : []),
    ]);
    const critical = el('input', { attrs: { type: 'checkbox', class: 'critical-toggle' } });
    critical.checked = this.critical;
    critical.addEventListener('change', () => {
      this.critical = critical.checked;
      this.element.classList.toggle('show-critical', this.critical);
    });
    this.element.classList.toggle('show-critical', this.critical);
    const controls = el('div', { class: 'trace-controls' }, [
      ...(this.ctx.backCount ? [button('← Back', () => this.events.back(), 'trace-back', { title: 'The trace you followed the link from' })] : []),
      el('label', { class: 'toggle', attrs: { title: 'Highlight the spans the trace’s duration waits on' } }, [critical, 'Critical path']),
      button('Close', () => this.events.close(), 'trace-close', { title: 'Close the trace (Escape)' }),
    ]);
    const legend = wf ? el('ul', { class: 'trace-services', attrs: { 'aria-label': 'Services' } }, wf.services.map((s, i) => el('li', { attrs: { title: s } }, [el('span', { class: `wf-swatch svc-${i % 8}`, attrs: { 'aria-hidden': 'true' } }), el('span', { class: 'trace-service-name', text: s })]))) : el('span');
    this.header.replaceChildren(el('div', { class: 'trace-heading' }, [title, controls]), meta, legend);
  }

  /**
   * Draws every span row once. Folding hides rows and opening a block swaps one row, so a key
   * press touches the rows it concerns, not all of a 2,000-span trace.
   */
  private renderRows(): void {
    const wf = this.wf;
    if (!wf) return;
    const rows: Node[] = [];
    this.rowEls = new Map();
    this.extrasEls = new Map();
    this.selectedEl = null;
    wf.rows.forEach((_, i) => {
      rows.push(this.drawRow(i));
      const extras = this.extrasEls.get(i);
      if (extras) rows.push(extras);
    });
    if (!wf.rows.length) rows.push(el('p', { class: 'hint', text: 'This trace holds no spans.' }));
    const grid = el('div', { class: 'waterfall', attrs: { role: 'treegrid', 'aria-label': `Spans of ${wf.rows[0]?.span.name ?? 'the trace'}`, 'aria-multiselectable': 'false' } }, [axisRow(wf), el('div', { class: 'wf-body' }, [gridLines(wf), ...rows])]);
    if (wf.traceLogs.length) grid.append(el('p', { class: 'hint', text: `${wf.traceLogs.length} log record(s) of this trace name no span of it.` }));
    this.scroll.replaceChildren(grid);
    this.applyFolds();
    this.select(Math.min(this.selected, wf.rows.length - 1), false);
  }

  /** The row of span `i` (and the block under it when open), kept in the row maps. */
  private drawRow(i: number): HTMLElement {
    const wf = this.wf!;
    const row = wf.rows[i];
    const open = this.extrasOpen.has(row.span.spanId) && hasExtras(row);
    const rowEl = spanRow(wf, row, i, this.collapsed.has(row.span.spanId), open, this.rowOptions);
    this.rowEls.set(i, rowEl);
    if (open) this.extrasEls.set(i, extrasRow(wf, row, this.rowOptions, () => this.toggleExtras(i)));
    else this.extrasEls.delete(i);
    return rowEl;
  }

  /** Draws span `i`'s row (and block) again in place, after it was folded or its block toggled. */
  private redrawRow(i: number): void {
    const oldRow = this.rowEls.get(i);
    const oldExtras = this.extrasEls.get(i);
    if (!oldRow) return;
    const row = this.drawRow(i);
    const extras = this.extrasEls.get(i);
    oldRow.replaceWith(row);
    if (oldExtras && extras) oldExtras.replaceWith(extras);
    else if (oldExtras) oldExtras.remove();
    else if (extras) row.after(extras);
    if (this.selectedEl === oldRow) this.selectedEl = null;
  }

  /** Hides the rows (and blocks) of spans under a folded span. */
  private applyFolds(): void {
    const shown = new Set(visibleRows(this.wf?.rows ?? [], this.collapsed));
    for (const [i, rowEl] of this.rowEls) {
      const hidden = !shown.has(i);
      for (const e of [rowEl, this.extrasEls.get(i)]) if (e && e.hidden !== hidden) e.hidden = hidden;
    }
  }

  private rowElement(index: number): HTMLElement | null {
    return this.rowEls.get(index) ?? null;
  }

  /** Marks row `index` selected and shows its span in the pane; `focus` moves keyboard focus there (scrolled into view). */
  private select(index: number, focus: boolean): void {
    const wf = this.wf;
    if (!wf || index < 0) return;
    this.selected = index;
    const row = this.rowElement(index);
    if (this.selectedEl !== row) {
      for (const [r, on] of [[this.selectedEl, false], [row, true]] as const) {
        if (!r) continue;
        r.setAttribute('aria-selected', String(on));
        r.tabIndex = on ? 0 : -1;
        r.classList.toggle('is-selected', on);
      }
      this.selectedEl = row;
    }
    if (focus) row?.focus();
    this.pane.replaceChildren(...renderSpanPane(wf, wf.rows[index], this.rowOptions));
    this.element.dataset.selectedSpan = wf.rows[index]?.span.spanId ?? '';
  }

  private location(row: WaterfallRow): CodeLocation | null {
    const raw = row.span.code ?? runtimeLocation(row.span.attributes);
    return raw ? resolveLocation(raw, this.ctx.resolve) : null;
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    if (target.closest('a, button, summary, details')) return;
    const rowEl = target.closest<HTMLElement>('.wf-span');
    if (!rowEl) return;
    const index = Number(rowEl.dataset.index);
    if (target.closest('.wf-toggle')) return this.toggleChildren(index);
    this.selected = index;
    if (target.closest('.wf-badge')) return this.toggleExtras(index);
    this.select(index, true);
  }

  private onKey(e: KeyboardEvent): void {
    const wf = this.wf;
    if (!wf || !(e.target as HTMLElement).classList.contains('wf-span')) return;
    const shown = visibleRows(wf.rows, this.collapsed);
    const at = shown.indexOf(this.selected);
    const row = wf.rows[this.selected];
    const expanded = row.children.length > 0 && !this.collapsed.has(row.span.spanId);
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        next = shown[Math.min(shown.length - 1, at + 1)];
        break;
      case 'ArrowUp':
        next = shown[Math.max(0, at - 1)];
        break;
      case 'Home':
        next = shown[0];
        break;
      case 'End':
        next = shown[shown.length - 1];
        break;
      case 'ArrowRight':
        if (row.children.length && !expanded) return this.keyed(e, () => this.toggleChildren(this.selected));
        next = expanded ? row.children[0] : null;
        break;
      case 'ArrowLeft':
        if (expanded) return this.keyed(e, () => this.toggleChildren(this.selected));
        next = row.parent >= 0 ? row.parent : null;
        break;
      case 'Enter':
      case ' ':
        return this.keyed(e, () => (hasExtras(row) ? this.toggleExtras(this.selected) : this.toggleChildren(this.selected)));
      default:
        return;
    }
    e.preventDefault();
    if (next !== null && next !== undefined) this.select(next, true);
  }

  private keyed(e: KeyboardEvent, fn: () => void): void {
    e.preventDefault();
    fn();
  }

  private toggleChildren(index: number): void {
    const id = this.wf?.rows[index]?.span.spanId;
    if (!id || !this.wf?.rows[index].children.length) return;
    if (!this.collapsed.delete(id)) this.collapsed.add(id);
    this.redrawRow(index);
    this.applyFolds();
    this.select(index, false);
    this.focus(true);
  }

  private toggleExtras(index: number): void {
    const id = this.wf?.rows[index]?.span.spanId;
    if (!id) return;
    if (!this.extrasOpen.delete(id)) this.extrasOpen.add(id);
    this.redrawRow(index);
    this.select(index, false);
    this.focus(true);
  }
}
