// The rows of the waterfall: the time axis, one treegrid row per span (name indented by depth,
// service, code line, its bar to scale), and under a span its exceptions, logs and links.
// Every string from a span is set as text.

import type { CodeLocation } from '../../../common/src/graph';
import type { TraceLink, TraceLog } from '../../../common/src/traces';
import { formatMs } from '../format';
import { axisTicks, type ExceptionInfo, type Waterfall, type WaterfallRow } from '../waterfall';
import { button, el } from './dom';

/** Indentation per level, and the deepest level indented further (deeper spans line up). */
const INDENT_PX = 12;
const MAX_INDENT_LEVELS = 12;

export interface RowOptions {
  /** The span's code link, or null when no location is known. */
  codeLink: (location: CodeLocation) => HTMLElement;
  location: (row: WaterfallRow) => CodeLocation | null;
  follow: (link: TraceLink) => void;
}

/** Offset and length of a time range as percentages of the trace's duration. */
function percent(wf: Waterfall, offsetMs: number): number {
  return wf.durationMs > 0 ? Math.min(100, Math.max(0, (100 * offsetMs) / wf.durationMs)) : 0;
}

export function axisRow(wf: Waterfall): HTMLElement {
  const ticks: HTMLElement[] = [];
  let last = -100;
  for (const t of axisTicks(wf.durationMs)) {
    const at = percent(wf, t);
    // A tick at the very end is labelled ending there, when its neighbour leaves room; other ticks
    // near the end would run into a neighbour or past the axis. Unlabelled ticks keep their grid line.
    const atEnd = at >= 99.5 && last < 75;
    if (at > 85 && !atEnd) continue;
    const tick = el('span', { class: `wf-tick${atEnd ? ' is-end' : ''}`, text: tickLabel(t, wf.durationMs) });
    tick.style.left = `${at}%`;
    ticks.push(tick);
    last = at;
  }
  return el('div', { class: 'wf-row wf-head', attrs: { role: 'row' } }, [
    el('div', { class: 'wf-cell', text: 'Span', attrs: { role: 'columnheader' } }),
    el('div', { class: 'wf-cell wf-service', text: 'Service', attrs: { role: 'columnheader' } }),
    el('div', { class: 'wf-cell wf-code', text: 'Code', attrs: { role: 'columnheader' } }),
    el('div', { class: 'wf-cell wf-time wf-axis', attrs: { role: 'columnheader', 'aria-label': `Time, 0 to ${formatMs(wf.durationMs)}` } }, ticks),
  ]);
}

/** Vertical lines at the axis ticks, behind the bars (one element for all rows). */
/**
 * Axis ticks are round (axisTicks): `25 ms`, `0.2 ms`, `1.5 s`, without formatMs's fixed
 * decimals; an axis of a second or more is in seconds throughout.
 */
export function tickLabel(ms: number, durationMs: number): string {
  if (ms === 0) return '0';
  return durationMs < 1000 ? `${ms} ms` : `${Number((ms / 1000).toPrecision(12))} s`;
}

export function gridLines(wf: Waterfall): HTMLElement {
  const lines = axisTicks(wf.durationMs).map((t) => {
    const line = el('span', { class: 'wf-line' });
    line.style.left = `${percent(wf, t)}%`;
    return line;
  });
  return el('div', { class: 'wf-lines', attrs: { 'aria-hidden': 'true' } }, [el('span'), el('span'), el('span'), el('span', { class: 'wf-lines-time' }, lines)]);
}

export function rowLabel(row: WaterfallRow): string {
  const s = row.span;
  const facts = [s.name, s.service, formatMs(s.durationMs), `starts at ${formatMs(row.offsetMs)}`];
  if (s.status === 'error') facts.push('error');
  if (row.exceptions.length) facts.push(`${row.exceptions.length} exception${row.exceptions.length === 1 ? '' : 's'}`);
  if (row.logs.length) facts.push(`${row.logs.length} log${row.logs.length === 1 ? '' : 's'}`);
  if (row.span.links.length) facts.push(`${row.span.links.length} link${row.span.links.length === 1 ? '' : 's'}`);
  if (row.critical) facts.push('on the critical path');
  return facts.join(', ');
}

/** `extrasOpen`: the block under the row shows the exceptions, logs and links, so no badge counts them. */
export function spanRow(wf: Waterfall, row: WaterfallRow, index: number, collapsed: boolean, extrasOpen: boolean, options: RowOptions): HTMLElement {
  const s = row.span;
  const hasKids = row.children.length > 0;
  const toggle = el('span', { class: `wf-toggle${hasKids ? '' : ' is-leaf'}`, text: hasKids ? (collapsed ? '▸' : '▾') : '', attrs: { 'aria-hidden': 'true' } });
  const name = el('div', { class: 'wf-cell wf-name', attrs: { role: 'gridcell' } }, [
    toggle,
    // In a narrow panel the service column goes: the swatch's colour and both tooltips still name it.
    el('span', { class: `wf-swatch svc-${row.colour}`, attrs: { 'aria-hidden': 'true', title: s.service } }),
    el('span', { class: 'wf-span-name', text: s.name, attrs: { title: `${s.name} — ${s.service}${row.orphan ? ' (its parent span was not received)' : ''}` } }),
    ...(extrasOpen ? [] : badgesOf(row)),
  ]);
  name.style.paddingLeft = `${4 + Math.min(row.depth, MAX_INDENT_LEVELS) * INDENT_PX}px`;
  const location = options.location(row);
  const link = location ? options.codeLink(location) : null;
  // Out of the tab order: arrow keys move between rows, and the selected span's pane holds the same link.
  if (link) link.tabIndex = -1;
  const code = el('div', { class: 'wf-cell wf-code', attrs: { role: 'gridcell' } }, [link ?? el('span', { class: 'hint', text: '–', attrs: { title: 'No code location is known for this span' } })]);

  const bar = el('span', { class: `wf-bar svc-${row.colour}` });
  const left = percent(wf, row.offsetMs);
  const right = percent(wf, row.offsetMs + s.durationMs);
  bar.style.left = `${left}%`;
  bar.style.width = `${Math.max(0, right - left)}%`;
  const duration = el('span', { class: 'wf-dur', text: formatMs(s.durationMs) });
  // The label goes where there is room: after the bar, before it, or inside a bar that spans the axis.
  if (right <= 72) duration.style.left = `calc(${right}% + 4px)`;
  else if (left >= 28) duration.style.right = `calc(${100 - left}% + 4px)`;
  else {
    duration.classList.add('is-inside');
    duration.style.left = `calc(${left}% + 4px)`;
  }
  const marks = row.exceptions.map((e) => mark(wf, e.timeMs, 'is-exception', `${e.type}: ${e.message}`));
  const time = el('div', { class: 'wf-cell wf-time', attrs: { role: 'gridcell' } }, [bar, duration, ...marks]);

  const cls = ['wf-row', 'wf-span', s.status === 'error' ? 'is-error' : '', row.critical ? 'is-critical' : ''].filter(Boolean).join(' ');
  const attrs: Record<string, string> = {
    role: 'row',
    tabindex: '-1',
    'aria-level': String(row.depth + 1),
    'aria-selected': 'false',
    'aria-label': rowLabel(row),
    'data-index': String(index),
    'data-span-id': s.spanId,
    'data-service': s.service,
    'data-depth': String(row.depth),
  };
  if (hasKids) attrs['aria-expanded'] = String(!collapsed);
  return el('div', { class: cls, attrs }, [name, el('div', { class: 'wf-cell wf-service', text: s.service, attrs: { role: 'gridcell', title: s.service } }), code, time]);
}

/** What the block under a closed row would show, counted (clicking a badge opens the block). */
function badgesOf(row: WaterfallRow): HTMLElement[] {
  const badges: HTMLElement[] = [];
  const n = (count: number, one: string, many: string): string => (count === 1 ? one : `${count} ${many}`);
  if (row.exceptions.length) badges.push(el('span', { class: 'wf-badge is-exception', text: n(row.exceptions.length, 'exception', 'exceptions'), attrs: { title: row.exceptions.map((e) => `${e.type}: ${e.message}`).join('\n') } }));
  if (row.logs.length) badges.push(el('span', { class: 'wf-badge', text: n(row.logs.length, '1 log', 'logs'), attrs: { title: 'Log records of this span' } }));
  if (row.span.links.length) badges.push(el('span', { class: 'wf-badge is-link', text: n(row.span.links.length, 'link', 'links'), attrs: { title: 'Span links to other traces' } }));
  return badges;
}

function mark(wf: Waterfall, timeMs: number, cls: string, title: string): HTMLElement {
  const m = el('span', { class: `wf-mark ${cls}`, attrs: { title } });
  m.style.left = `${percent(wf, timeMs - wf.startMs)}%`;
  return m;
}

/** Whether a span has anything to show under its row. */
export function hasExtras(row: WaterfallRow): boolean {
  return row.exceptions.length > 0 || row.logs.length > 0 || row.span.links.length > 0 || (row.span.status === 'error' && !!row.span.statusMessage);
}

/** The block under a span's row: status message, exceptions, logs and links; `hide` closes it. */
export function extrasRow(wf: Waterfall, row: WaterfallRow, options: RowOptions, hide: () => void): HTMLElement {
  const parts: Node[] = [button('Hide', hide, 'link wf-hide', { title: 'Hide the exceptions, logs and links (Enter on the span)' })];
  const s = row.span;
  if (s.status === 'error' && s.statusMessage) parts.push(el('p', { class: 'wf-status', text: `Status: error — ${s.statusMessage}` }));
  for (const e of row.exceptions) parts.push(exceptionBlock(e));
  if (row.logs.length) parts.push(logList(wf, row.logs));
  if (s.links.length) parts.push(linkList(s.links, options.follow));
  const cell = el('div', { class: 'wf-extras', attrs: { role: 'gridcell' } }, parts);
  cell.style.paddingLeft = `${26 + Math.min(row.depth, MAX_INDENT_LEVELS) * INDENT_PX}px`;
  return el('div', { class: 'wf-row wf-extras-row', attrs: { role: 'row', 'aria-level': String(row.depth + 2), 'data-for-span': s.spanId } }, [cell]);
}

export function exceptionBlock(e: ExceptionInfo): HTMLElement {
  const head = el('p', { class: 'wf-exception-head' }, [el('span', { class: 'exception-type', text: e.type }), e.message ? ': ' : '', el('span', { class: 'exception-message', text: e.message })]);
  const stack = e.stacktrace ? [el('details', { class: 'wf-stack' }, [el('summary', { text: 'Stack trace' }), el('pre', { text: e.stacktrace })])] : [];
  return el('div', { class: 'wf-exception' }, [head, ...stack]);
}

export function logList(wf: Waterfall, logs: readonly TraceLog[]): HTMLElement {
  return el(
    'ul',
    { class: 'wf-logs', attrs: { 'aria-label': 'Logs' } },
    logs.map((l) =>
      el('li', { attrs: { 'data-severity': l.severity } }, [
        el('span', { class: 'log-time', text: `+${formatMs(Math.max(0, l.timeMs - wf.startMs))}` }),
        el('span', { class: `log-severity sev-${severityClass(l.severity)}`, text: l.severity }),
        el('span', { class: 'log-body', text: l.body }),
      ]),
    ),
  );
}

export function linkList(links: readonly TraceLink[], follow: (link: TraceLink) => void): HTMLElement {
  return el(
    'ul',
    { class: 'wf-links', attrs: { 'aria-label': 'Span links' } },
    links.map((l) =>
      el('li', {}, [
        el('span', { class: 'hint', text: `Linked span ${l.spanId.slice(0, 8)}… of trace ${l.traceId.slice(0, 8)}… ` }),
        button('Open linked trace', () => follow(l), 'link follow-link', { 'data-trace-id': l.traceId, 'data-span-id': l.spanId }),
      ]),
    ),
  );
}

function severityClass(severity: string): string {
  const s = severity.toUpperCase();
  if (s.startsWith('FATAL') || s.startsWith('ERROR')) return 'error';
  if (s.startsWith('WARN')) return 'warn';
  if (s.startsWith('DEBUG') || s.startsWith('TRACE')) return 'debug';
  return 'info';
}
