// The text alternative to the map: every visible edge as a table row; while comparing with a
// snapshot, new edges are marked and removed ones follow as rows of their own.

import type { GraphNode } from '../../../common/src/graph';
import { NO_COMPARISON, type Comparison } from '../compare';
import type { VisibleGraph } from '../filters';
import { formatCount, formatMs, formatPercent, formatRate, ratePerSecond } from '../format';
import { button, el } from './dom';

export function renderEdgeTable(vis: VisibleGraph, selectedEdge: string | null, onSelect: (edgeId: string) => void, cmp: Comparison = NO_COMPARISON): HTMLElement {
  const names = new Map<string, GraphNode>(vis.nodes.map((n) => [n.id, n]));
  const name = (id: string): string => names.get(id)?.name ?? id;
  const head = el('tr', {}, ['From', 'Relation', 'To', 'Requests', 'Rate', 'Errors', 'p50', 'p95', 'p99'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const rows = [...vis.edges]
    .sort((a, b) => b.count - a.count)
    .map((e) =>
      el('tr', { class: e.id === selectedEdge ? 'is-selected' : '', attrs: { 'data-edge-id': e.id, ...(cmp.added.has(e.id) ? { 'data-change': 'added' } : {}) } }, [
        el('td', {}, [button(name(e.source), () => onSelect(e.id), 'link')]),
        el('td', {}, [e.relation, ...(cmp.added.has(e.id) ? [el('span', { class: 'change-badge added', text: 'added' })] : [])]),
        el('td', { text: name(e.target) }),
        // The recent window's numbers when the graph carries one (the Window select), else lifetime.
        el('td', { class: 'num', text: formatCount(e.window?.count ?? e.count) }),
        el('td', { class: 'num', text: formatRate(e.window?.ratePerSec ?? ratePerSecond(e.count, e.firstSeen, e.lastSeen)) }),
        el('td', { class: 'num', text: `${formatCount(e.window?.errors ?? e.errors)} (${formatPercent(e.window?.errors ?? e.errors, e.window?.count ?? e.count)})` }),
        el('td', { class: 'num', text: formatMs(e.window?.p50Ms ?? e.p50Ms) }),
        el('td', { class: 'num', text: formatMs(e.window?.p95Ms ?? e.p95Ms) }),
        el('td', { class: 'num', text: formatMs(e.window?.p99Ms ?? e.p99Ms) }),
      ]),
    );
  const removed = [...cmp.ghosts, ...cmp.unplaced].map((e) =>
    el('tr', { class: 'is-removed', attrs: { 'data-edge-id': e.id, 'data-change': 'removed' } }, [
      el('td', { text: name(e.source) }),
      el('td', {}, [e.relation, el('span', { class: 'change-badge removed', text: 'removed' })]),
      el('td', { text: name(e.target) }),
      el('td', { class: 'num', text: '—', attrs: { colspan: '6' } }),
    ]),
  );
  return el('div', { class: 'table-stage' }, [
    el('table', { class: 'edge-table' }, [el('caption', { text: `${vis.edges.length} edges between ${vis.nodes.length} nodes${vis.edges.some((e) => e.window) ? ' · numbers of the recent window (Window select)' : ''}` }), el('thead', {}, [head]), el('tbody', {}, [...rows, ...removed])]),
  ]);
}
