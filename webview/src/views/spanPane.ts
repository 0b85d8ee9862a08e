// The selected span of the trace view: what it is, where its code is, its attributes, its other
// events and its links. Beside the waterfall in a wide window, below it in a narrow one.

import { formatMs } from '../format';
import type { Waterfall, WaterfallRow } from '../waterfall';
import { el, factsTable } from './dom';
import { linkList, type RowOptions } from './waterfallRows';

/** What the pane needs to link a span's code and follow its links: the rows' own options. */
export type SpanPaneOptions = RowOptions;

export function renderSpanPane(wf: Waterfall, row: WaterfallRow | undefined, options: SpanPaneOptions): Node[] {
  if (!row) return [el('p', { class: 'hint', text: 'Select a span for its attributes.' })];
  const s = row.span;
  const parent = row.parent >= 0 ? wf.rows[row.parent].span.name : s.parentSpanId ? 'not received' : 'none (root)';
  const location = options.location(row);
  const attributes = Object.entries(s.attributes).sort(([a], [b]) => a.localeCompare(b));
  const about = el('div', { class: 'span-pane-about' }, [
    el('h4', { text: 'Code' }),
    location ? el('p', { class: 'span-code' }, [options.codeLink(location)]) : el('p', { class: 'hint', text: 'No code location: no analyzed site matches this span and it carries no code.file.path.' }),
    factsTable([
      ['Start', `+${formatMs(row.offsetMs)}`],
      ['Duration', formatMs(s.durationMs)],
      ['Status', s.status + (s.statusMessage ? ` — ${s.statusMessage}` : '')],
      ['Parent', parent],
      ['Span id', s.spanId],
    ]),
  ]);
  const data = el('div', { class: 'span-pane-data' }, [
    el('h4', { text: `Attributes (${attributes.length})` }),
    attributes.length ? factsTable(attributes.map(([k, v]) => [k, String(v)]), 'span-attributes') : el('p', { class: 'hint', text: 'None.' }),
  ]);
  if (row.events.length) {
    data.append(el('h4', { text: `Events (${row.events.length})` }));
    data.append(el('ul', { class: 'span-events' }, row.events.map((e) => el('li', { text: `+${formatMs(Math.max(0, e.timeMs - wf.startMs))} ${e.name}${eventAttributes(e.attributes)}` }))));
  }
  if (s.links.length) data.append(el('h4', { text: `Links (${s.links.length})` }), linkList(s.links, options.follow));
  const head = el('div', { class: 'span-pane-head' }, [el('h3', { class: 'span-pane-title', text: s.name, attrs: { title: s.name } }), el('p', { class: 'subtitle', text: [s.service, s.kind, s.scope].filter(Boolean).join(' · ') })]);
  return [head, about, data];
}

function eventAttributes(a: Record<string, string | number | boolean>): string {
  const parts = Object.entries(a).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
