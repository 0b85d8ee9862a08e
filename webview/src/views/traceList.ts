// "Recent traces" of the selected node, edge or step in the details panel: failing first, then
// slowest; each opens its waterfall in the trace view.

import type { TraceSummary } from '../../../common/src/traces';
import { formatAgo, formatCount, formatMs } from '../format';
import type { TraceListState } from '../tracesQuery';
import { el } from './dom';

export function renderTraceList(list: TraceListState, openTraceId: string | null, open: (traceId: string) => void): Node[] {
  const title = el('h3', { text: list.traces?.length ? `Recent traces (${list.traces.length})` : 'Recent traces' });
  if (list.error) return [title, el('p', { class: 'hint trace-list-error', text: `No traces: ${list.error}.`, attrs: { role: 'status' } })];
  if (list.traces === null) return [title, el('p', { class: 'hint', text: 'Loading…' })];
  if (!list.traces.length) return [title, el('p', { class: 'hint', text: 'No recent traces kept for this selection.' })];
  const items = list.traces.map((t) => el('li', {}, [traceButton(t, t.traceId === openTraceId, open)]));
  const from = list.source ? [el('p', { class: 'hint trace-source', text: `From ${list.source}` })] : [];
  return [title, ...from, el('ul', { class: 'trace-list', attrs: { 'aria-label': 'Recent traces, failing first, then slowest' } }, items)];
}

function traceButton(t: TraceSummary, current: boolean, open: (traceId: string) => void): HTMLButtonElement {
  const failing = t.errorCount > 0;
  const ago = t.startMs > 0 ? `${formatAgo(Date.now() - t.startMs)} ago` : '';
  const meta = [t.rootService, formatMs(t.durationMs), `${formatCount(t.spanCount)} span${t.spanCount === 1 ? '' : 's'}`, ...(failing ? [`${formatCount(t.errorCount)} error${t.errorCount === 1 ? '' : 's'}`] : [])].filter(Boolean).join(' · ');
  return el('button', { class: `trace-item${failing ? ' is-error' : ''}`, attrs: { type: 'button', 'data-trace-id': t.traceId, 'data-span-count': String(t.spanCount), 'aria-current': String(current), title: [t.rootName, meta, ago].filter(Boolean).join(' — ') }, onClick: () => open(t.traceId) }, [
    el('span', { class: 'trace-line' }, [el('span', { class: 'trace-root', text: t.rootName }), el('span', { class: 'trace-ago', text: ago })]),
    el('span', { class: 'trace-meta', text: meta }),
  ]);
}
