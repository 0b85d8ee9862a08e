// Export of the current view as Mermaid, Graphviz DOT, SVG or JSON. Pure: every function
// takes plain data and returns text, escaping whatever came from spans.

import type { Flow, Graph, NodeKind, Relation } from '../../common/src/graph';
import type { VisibleGraph } from './filters';
import { formatCount, formatMs, health, type Health } from './format';
import type { Point } from './layout/placement';

export interface DiagramNode {
  id: string;
  label: string;
  kind: NodeKind | 'step';
  health: Health;
}

export interface DiagramEdge {
  source: string;
  target: string;
  label: string;
  relation: Relation | 'transition';
}

export interface Diagram {
  title: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

export function mapDiagram(vis: VisibleGraph): Diagram {
  return {
    title: 'Service map',
    nodes: vis.nodes.map((n) => ({ id: n.id, label: n.name, kind: n.kind, health: health(n.errorCount, n.spanCount) })),
    edges: vis.edges.map((e) => ({
      source: e.source,
      target: e.target,
      relation: e.relation,
      label: `${e.relation} ${formatCount(e.count)}${e.errors ? `, ${formatCount(e.errors)} err` : ''}, p95 ${formatMs(e.p95Ms)}`,
    })),
  };
}

export function flowDiagram(flow: Flow): Diagram {
  return {
    title: `Flow ${flow.name}`,
    nodes: flow.steps.map((s) => ({ id: s.name, label: `${s.name} (${s.services.join(', ')})`, kind: 'step', health: health(s.errors, s.count) })),
    edges: flow.transitions.map((t) => ({ source: t.from, target: t.to, label: formatCount(t.count), relation: 'transition' })),
  };
}

// --- Mermaid ---------------------------------------------------------------------------

const MERMAID_SHAPES: Record<DiagramNode['kind'], [string, string]> = {
  service: ['(["', '"])'],
  database: ['[("', '")]'],
  queue: ['[/"', '"/]'],
  external: ['{{"', '"}}'],
  step: ['["', '"]'],
};

export function toMermaid(d: Diagram): string {
  const ids = shortIds(d);
  const lines = ['flowchart LR'];
  for (const n of d.nodes) {
    const [open, close] = MERMAID_SHAPES[n.kind];
    lines.push(`  ${ids.get(n.id)}${open}${mermaidText(n.label)}${close}`);
  }
  for (const e of d.edges) {
    const a = ids.get(e.source);
    const b = ids.get(e.target);
    if (!a || !b) continue;
    const arrow = e.relation === 'reads' || e.relation === 'consumes' ? '-.->' : '-->';
    lines.push(`  ${a} ${arrow}|"${mermaidText(e.label)}"| ${b}`);
  }
  return lines.join('\n') + '\n';
}

function mermaidText(s: string): string {
  // Mermaid entity codes (#35; is '#'): the quote ends the label, <> would be HTML, a backtick
  // opens a markdown string, '|' ends an edge label, '&' could start an HTML entity.
  return oneLine(s).replace(/[#"<>`|&]/g, (c) => MERMAID_ENTITIES[c] ?? c);
}

const MERMAID_ENTITIES: Record<string, string> = { '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;', '`': '#96;', '|': '#124;', '&': '#amp;' };

function shortIds(d: Diagram): Map<string, string> {
  return new Map(d.nodes.map((n, i) => [n.id, `n${i}`] as const));
}

// --- Graphviz DOT -----------------------------------------------------------------------

const DOT_SHAPES: Record<DiagramNode['kind'], string> = {
  service: 'ellipse',
  database: 'cylinder',
  queue: 'cds',
  external: 'hexagon',
  step: 'box',
};

export function toDot(d: Diagram): string {
  const lines = [`digraph ${dotText(d.title)} {`, '  rankdir=LR;', '  node [fontname="sans-serif"];'];
  for (const n of d.nodes) lines.push(`  ${dotText(n.id)} [label=${dotText(n.label)}, shape=${DOT_SHAPES[n.kind]}];`);
  const known = new Set(d.nodes.map((n) => n.id));
  for (const e of d.edges) {
    if (!known.has(e.source) || !known.has(e.target)) continue;
    const style = e.relation === 'reads' || e.relation === 'consumes' ? ', style=dashed' : '';
    lines.push(`  ${dotText(e.source)} -> ${dotText(e.target)} [label=${dotText(e.label)}${style}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function dotText(s: string): string {
  return `"${oneLine(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// --- SVG ----------------------------------------------------------------------------------

const SVG_COLOURS: Record<Health, string> = { ok: '#2e9d5b', warn: '#d49a00', bad: '#d23c3c' };
const EDGE_COLOURS: Record<DiagramEdge['relation'], string> = { calls: '#6e7781', transition: '#6e7781', reads: '#3b7dd8', writes: '#c0692b', publishes: '#8250df', consumes: '#a371f7' };
// Presentation attributes only (no <style> element), so the file also renders under a strict CSP.
const NODE_ATTRS = 'stroke="#ffffff" stroke-width="1.5"';
const TEXT_ATTRS = 'font-family="sans-serif" fill="#222222"';

/** A standalone SVG document of a diagram at the given positions (nodes without one are skipped). */
export function toSvg(d: Diagram, positions: ReadonlyMap<string, Point>): string {
  const placed = d.nodes.filter((n) => positions.has(n.id));
  const xs = placed.map((n) => positions.get(n.id)!.x);
  const ys = placed.map((n) => positions.get(n.id)!.y);
  const pad = 80;
  const minX = (xs.length ? Math.min(...xs) : 0) - pad;
  const minY = (ys.length ? Math.min(...ys) : 0) - pad;
  const width = (xs.length ? Math.max(...xs) : 0) + pad - minX;
  const height = (ys.length ? Math.max(...ys) : 0) + pad - minY;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${r(minX)} ${r(minY)} ${r(width)} ${r(height)}" width="${r(width)}" height="${r(height)}">`,
    `<title>${xml(oneLine(d.title))}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#8a8f98"/></marker></defs>`,
    `<rect x="${r(minX)}" y="${r(minY)}" width="${r(width)}" height="${r(height)}" fill="#ffffff"/>`,
  ];
  for (const e of d.edges) {
    const a = positions.get(e.source);
    const b = positions.get(e.target);
    if (!a || !b) continue;
    const [x1, y1, x2, y2] = trimmed(a, b, 16);
    const dash = e.relation === 'reads' || e.relation === 'consumes' ? ' stroke-dasharray="5 4"' : '';
    out.push(`<g><line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="${EDGE_COLOURS[e.relation]}" stroke-width="1.5"${dash} marker-end="url(#arrow)"/>`);
    out.push(`<text x="${r((x1 + x2) / 2)}" y="${r((y1 + y2) / 2 - 4)}" text-anchor="middle" font-size="10" ${TEXT_ATTRS}>${xml(oneLine(e.label))}</text></g>`);
  }
  for (const n of placed) {
    const p = positions.get(n.id)!;
    out.push(`<g>${svgShape(n, p)}<text x="${r(p.x)}" y="${r(p.y + 30)}" text-anchor="middle" font-size="12" ${TEXT_ATTRS}>${xml(oneLine(n.label))}</text></g>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function svgShape(n: DiagramNode, p: Point): string {
  const fill = SVG_COLOURS[n.health];
  const x = r(p.x);
  const y = r(p.y);
  switch (n.kind) {
    case 'service':
      return `<circle ${NODE_ATTRS} cx="${x}" cy="${y}" r="14" fill="${fill}"/>`;
    case 'database':
      return `<rect ${NODE_ATTRS} x="${r(p.x - 12)}" y="${r(p.y - 14)}" width="24" height="28" rx="12" ry="5" fill="${fill}"/>`;
    case 'queue':
      return `<rect ${NODE_ATTRS} x="${r(p.x - 18)}" y="${r(p.y - 9)}" width="36" height="18" rx="9" fill="${fill}"/>`;
    case 'external':
      return `<path ${NODE_ATTRS} d="M${x},${r(p.y - 15)}L${r(p.x + 15)},${y}L${x},${r(p.y + 15)}L${r(p.x - 15)},${y}Z" fill="${fill}"/>`;
    case 'step':
      return `<rect ${NODE_ATTRS} x="${r(p.x - 60)}" y="${r(p.y - 16)}" width="120" height="32" rx="6" fill="${fill}"/>`;
    default: {
      const never: never = n.kind;
      return never;
    }
  }
}

/** A segment from a to b shortened by `gap` at both ends, so arrows stop at the shapes. */
function trimmed(a: Point, b: Point, gap: number): [number, number, number, number] {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const ux = (b.x - a.x) / len;
  const uy = (b.y - a.y) / len;
  const g = Math.min(gap, len / 3);
  return [a.x + ux * g, a.y + uy * g, b.x - ux * g, b.y - uy * g];
}

const r = (v: number): string => String(Math.round(v * 10) / 10);

export function xml(s: string): string {
  return safeText(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Characters that no XML 1.0 document may hold, not even as a character reference: C0 controls
// but tab/LF/CR, and U+FFFE/U+FFFF; with them C1 controls and DEL (allowed but invisible and
// refused by some tools) and lone surrogates (not Unicode scalar values: invalid UTF-8 when
// written, refused by XML parsers, TextEncoder and the image decoder behind the PNG export).
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Span-sourced text with every unsafe character (see UNSAFE) replaced by U+FFFD; pairs kept. */
export function safeText(s: string): string {
  return s.replace(UNSAFE, '\uFFFD');
}

/** Safe text on one line: tab, CR, LF and the Unicode line/paragraph separators become spaces. */
export function oneLine(s: string): string {
  return safeText(s).replace(/[\r\n\t\u0085\u2028\u2029]+/g, ' ');
}

// --- JSON ---------------------------------------------------------------------------------

/**
 * JSON.stringify escapes C0 controls (\u0000) and lone surrogates (\ud800, since ES2019) but
 * leaves DEL, C1 controls and U+2028/U+2029 raw: escape those too (they can only be inside
 * strings), so the text is plain, well-formed and parses back to the very same strings.
 */
export function toJson(value: Graph | Flow): string {
  return JSON.stringify(value, null, 2).replace(/[\u007F-\u009F\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}
