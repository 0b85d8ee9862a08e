// What the canvas renderer strokes and fills: one batched path per edge style and per node
// health (each split into active and idle, since idle items are drawn dimmed like the SVG
// renderer's .is-idle), arrowheads, and the rings of fresh and selected items.

import type { Health } from '../format';
import type { EdgeRoute } from '../layout/edgeRoutes';
import type { Box } from '../layout/labels';
import type { Point } from '../layout/placement';
import { arrowHead, pathFor, withoutClosePath, type Palette } from './canvasParts';
import type { MapSelection, SceneEdge, SceneNode } from './scene';
import { shapeBox } from './sceneLabels';
import { traceShape } from './shapes';

/** style.css's `.node.is-idle, .edge.is-idle { opacity: 0.45 }`. */
export const IDLE_ALPHA = 0.45;
/** Zoom level from which arrowheads are drawn. */
const ARROW_ZOOM = 0.6;

/** Paths keyed by style (an edge style or a node health), with IDLE appended for idle items. */
export interface Geometry {
  edges: Map<string, Path2D>;
  heads: Map<string, Path2D>;
  nodes: Map<string, Path2D>;
}

const IDLE = '\u0000idle';

/** Where the renderer's items are: positions, nodes by id, lane bends of parallel edges. */
export interface Placed {
  positions: ReadonlyMap<string, Point>;
  byId: ReadonlyMap<string, SceneNode>;
  bends: ReadonlyMap<string, number>;
}

/** The straight segment an edge is drawn as, trimmed to its node outlines, or null without both ends. */
export function edgeSegment(e: SceneEdge, at: Placed): { start: Point; end: Point; from: Point } | null {
  const a = at.positions.get(e.edge.source);
  const b = at.positions.get(e.edge.target);
  if (!a || !b) return null;
  const ra = at.byId.get(e.edge.source)?.radius ?? 8;
  const rb = (at.byId.get(e.edge.target)?.radius ?? 8) + 2;
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const ux = (b.x - a.x) / len;
  const uy = (b.y - a.y) / len;
  // Edges sharing their two nodes run as parallel straight lines, one lane each (SVG curves them).
  const bend = at.bends.get(e.edge.id) ?? 0;
  const side = e.edge.source > e.edge.target ? -bend : bend;
  const ox = -uy * side * 0.5;
  const oy = ux * side * 0.5;
  const from = { x: a.x + ox, y: a.y + oy };
  return { from, start: { x: from.x + ux * ra, y: from.y + uy * ra }, end: { x: b.x - ux * rb + ox, y: b.y - uy * rb + oy } };
}

/** The boxes an update drawn over the picture covers: changed nodes' shapes, new edges' extents. */
export function changedAreas(change: { nodes: readonly SceneNode[]; edges: readonly SceneEdge[] }, at: Placed): Box[] {
  const areas: Box[] = [];
  for (const n of change.nodes) {
    const p = at.positions.get(n.node.id);
    if (p) areas.push(shapeBox(n, p));
  }
  for (const e of change.edges) {
    const s = edgeSegment(e, at);
    if (s) areas.push({ x0: Math.min(s.from.x, s.end.x) - 8, y0: Math.min(s.from.y, s.end.y) - 8, x1: Math.max(s.from.x, s.end.x) + 8, y1: Math.max(s.from.y, s.end.y) + 8 });
  }
  return areas;
}

/** A straight segment as the label placer's route (its control point on the line). */
export function straightRoute(s: { start: Point; end: Point }): EdgeRoute {
  const mid = { x: (s.start.x + s.end.x) / 2, y: (s.start.y + s.end.y) / 2 };
  return { start: s.start, control: mid, end: s.end, mid };
}

export function buildGeometry(sceneNodes: readonly SceneNode[], sceneEdges: readonly SceneEdge[], at: Placed): Geometry {
  const edges = new Map<string, Path2D>();
  const heads = new Map<string, Path2D>();
  for (const e of sceneEdges) {
    const s = edgeSegment(e, at);
    if (!s) continue;
    const style = (e.change ?? (e.health === 'ok' ? e.edge.relation : 'error')) + (e.idle ? IDLE : '');
    const line = pathFor(edges, style);
    line.moveTo(s.start.x, s.start.y);
    line.lineTo(s.end.x, s.end.y);
    arrowHead(pathFor(heads, style), s.from, s.end, 7);
  }
  const nodes = new Map<string, Path2D>();
  for (const n of sceneNodes) {
    const p = at.positions.get(n.node.id);
    if (p) traceShape(withoutClosePath(pathFor(nodes, n.health + (n.idle ? IDLE : ''))), n.node.kind, p.x, p.y, n.radius);
  }
  return { edges, heads, nodes };
}

const styleOf = (key: string): [style: string, idle: boolean] => (key.endsWith(IDLE) ? [key.slice(0, -IDLE.length), true] : [key, false]);

export function drawGeometry(ctx: CanvasRenderingContext2D, g: Geometry, palette: Palette, k: number): void {
  // One device pixel exactly: wider strokes leave Skia's fast hairline path (10x slower in
  // software rendering). Straight segments for the same reason; SVG mode draws curves.
  ctx.lineWidth = 1 / (k * (window.devicePixelRatio || 1));
  for (const [key, path] of g.edges) {
    const [style, idle] = styleOf(key);
    ctx.globalAlpha = idle ? IDLE_ALPHA : 1;
    ctx.strokeStyle = palette.relation[style];
    ctx.setLineDash(style === 'removed' ? [6 / k, 4 / k] : []);
    ctx.stroke(path);
  }
  ctx.setLineDash([]);
  if (k >= ARROW_ZOOM) {
    for (const [key, path] of g.heads) {
      const [style, idle] = styleOf(key);
      ctx.globalAlpha = idle ? IDLE_ALPHA : 1;
      ctx.fillStyle = palette.relation[style];
      ctx.fill(path);
    }
  }
  ctx.strokeStyle = palette.background;
  for (const [key, path] of g.nodes) {
    const [h, idle] = styleOf(key);
    ctx.globalAlpha = idle ? IDLE_ALPHA : 1;
    ctx.fillStyle = palette.health[h as Health];
    ctx.fill(path);
    // Outlines double the raster cost and are invisible when zoomed out.
    if (k >= 0.7) ctx.stroke(path);
  }
  ctx.globalAlpha = 1;
}

/** Fresh rings for `nodes`, and the selection (one of them may have been drawn over it). */
export function drawHighlights(ctx: CanvasRenderingContext2D, nodes: readonly SceneNode[], edges: readonly SceneEdge[], selection: MapSelection | null, at: Placed, palette: Palette, k: number): void {
  // Wide strokes are slow in software rendering: only for these few rings, one path per colour.
  const ring = (rings: readonly SceneNode[], colour: string): void => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 3 / Math.max(0.5, k);
    ctx.beginPath();
    for (const n of rings) {
      const p = at.positions.get(n.node.id);
      if (!p) continue;
      ctx.moveTo(p.x + n.radius + 5, p.y);
      ctx.arc(p.x, p.y, n.radius + 5, 0, 2 * Math.PI);
    }
    ctx.stroke();
  };
  ring(nodes.filter((n) => n.fresh), palette.fresh);
  if (selection?.kind === 'node') {
    const n = at.byId.get(selection.id);
    if (n) ring([n], palette.selected);
  } else if (selection?.kind === 'edge') {
    const e = edges.find((x) => x.edge.id === selection.id);
    const s = e && edgeSegment(e, at);
    if (s) {
      ctx.strokeStyle = palette.selected;
      ctx.lineWidth = 3 / Math.max(0.5, k);
      ctx.beginPath();
      ctx.moveTo(s.start.x, s.start.y);
      ctx.lineTo(s.end.x, s.end.y);
      ctx.stroke();
    }
  }
}
