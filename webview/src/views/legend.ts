// The map's legend: node kinds, relations and health in the map's own symbols (the same
// shapes from shapes.ts and the same CSS classes as the drawn nodes and edges), as a strip
// under the map that never covers it. Collapsible (a native <details>, keyboard-operable).

import { path as d3path } from 'd3';
import type { NodeKind, Relation } from '../../../common/src/graph';
import { RELATIONS } from '../uiState';
import { el } from './dom';
import { traceShape } from './shapes';

const SVG = 'http://www.w3.org/2000/svg';

const KINDS: Array<[NodeKind, string]> = [
  ['service', 'service'],
  ['database', 'database'],
  ['queue', 'queue / topic'],
  ['external', 'external peer'],
];

const RELATION_HINTS: Record<Relation, string> = {
  calls: 'request to a service or peer',
  reads: 'reads from a database',
  writes: 'writes to a database',
  publishes: 'sends to a queue',
  consumes: 'receives from a queue',
};

export class Legend {
  readonly element: HTMLDetailsElement;

  constructor(open: boolean, onToggle: (open: boolean) => void) {
    const summary = el('summary', { class: 'legend-title', text: 'Legend' });
    const kinds = el('ul', { class: 'legend-group', attrs: { 'aria-label': 'Node kinds' } }, KINDS.map(([kind, label]) => item(nodeSymbol(kind, 'ok'), label, `legend-kind-${kind}`)));
    const relations = el(
      'ul',
      { class: 'legend-group', attrs: { 'aria-label': 'Relations' } },
      RELATIONS.map((r) => item(edgeSymbol(`rel-${r}`), r, `legend-rel-${r}`, RELATION_HINTS[r])),
    );
    const health = el('ul', { class: 'legend-group', attrs: { 'aria-label': 'Health' } }, [
      item(nodeSymbol('service', 'ok'), 'no errors', 'legend-health-ok'),
      item(nodeSymbol('service', 'warn'), 'errors < 5%', 'legend-health-warn'),
      item(nodeSymbol('service', 'bad'), 'errors ≥ 5%', 'legend-health-bad'),
      item(edgeSymbol('rel-calls health-bad'), 'failing (error % on the label)', 'legend-errors'),
      item(nodeSymbol('service', 'ok', 'is-fresh'), 'just arrived', 'legend-fresh'),
    ]);
    this.element = el('details', { class: 'legend', attrs: { 'aria-label': 'Legend' } }, [summary, el('div', { class: 'legend-body' }, [kinds, relations, health])]);
    this.element.open = open;
    this.element.addEventListener('toggle', () => onToggle(this.element.open));
  }
}

function item(symbol: SVGSVGElement, label: string, cls: string, title?: string): HTMLLIElement {
  return el('li', { class: `legend-item ${cls}`, attrs: title ? { title } : {} }, [symbol, el('span', { text: label })]);
}

function svg(width: number, children: SVGElement[]): SVGSVGElement {
  const s = document.createElementNS(SVG, 'svg');
  s.setAttribute('width', String(width));
  s.setAttribute('height', '18');
  s.setAttribute('viewBox', `0 0 ${width} 18`);
  s.setAttribute('aria-hidden', 'true');
  s.classList.add('legend-symbol');
  s.append(...children);
  return s;
}

function child(tag: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function nodeSymbol(kind: NodeKind, health: string, extra = ''): SVGSVGElement {
  const p = d3path();
  traceShape(p, kind, 0, 0, 7);
  const g = child('g', { class: `legend-node kind-${kind} health-${health} ${extra}`.trim(), transform: 'translate(12,9)' });
  g.append(child('path', { class: 'node-shape', d: p.toString() }));
  return svg(24, [g]);
}

/** A short edge with the map's classes (colour, dash) and an arrowhead of the same colour. */
function edgeSymbol(classes: string): SVGSVGElement {
  const g = child('g', { class: `legend-edge ${classes}` });
  g.append(child('path', { class: 'edge-line', d: 'M2,9L30,9' }), child('path', { class: 'legend-head', d: 'M29,5L36,9L29,13Z' }));
  return svg(38, [g]);
}
