// What the map draws, derived from the filtered graph: sizes, health, labels, freshness.
// Shared by the SVG and canvas renderers. Pure apart from reading the clock passed in.

import type { GraphEdge, GraphNode, NodeKind, RemovedEdge } from '../../../common/src/graph';
import { NO_COMPARISON, type Comparison } from '../compare';
import type { VisibleGraph } from '../filters';
import type { Point } from '../layout/placement';
import { formatAgo, formatMs, formatPercent, formatRate, health, ratePerSecond, type Health } from '../format';

export interface SceneNode {
  node: GraphNode;
  radius: number;
  health: Health;
  fresh: boolean;
  label: string;
  /** Silent for the whole recent window: drawn dimmed, labelled "idle 3m". */
  idle?: boolean;
}

export interface SceneEdge {
  edge: GraphEdge;
  health: Health;
  fresh: boolean;
  /** Silent for the whole recent window: drawn dimmed. */
  idle?: boolean;
  /** Stroke width from traffic. */
  width: number;
  /** Set while comparing with a snapshot: new since then (green), or gone since then (a dashed ghost). */
  change?: 'added' | 'removed';
}

export interface Scene {
  nodes: SceneNode[];
  edges: SceneEdge[];
  /** Edge labels clutter big graphs: shown only below this size or for the selection. */
  edgeLabels: boolean;
}

const EDGE_LABEL_LIMIT = 30;

/**
 * Sizes move in steps (half a pixel of radius, a quarter of stroke width): every live update
 * raises every count a little, and a size that changed by a hundredth of a pixel would still
 * re-route, re-place and repaint every node and edge (hundreds of milliseconds at 1,000 edges).
 */
const step = (v: number, per: number): number => Math.round(v * per) / per;

export function nodeRadius(node: GraphNode): number {
  const traffic = 3.2 * Math.log10(1 + Math.max(0, node.spanCount));
  switch (node.kind) {
    case 'service':
      return Math.min(24, step(9 + traffic, 2));
    case 'database':
    case 'queue':
      return Math.min(20, step(10 + traffic / 2, 2));
    case 'external':
      return 9;
    default:
      return 10;
  }
}

export function sceneEdgeLabel(e: SceneEdge): string {
  return e.change === 'removed' ? `${e.edge.relation} · removed` : edgeLabel(e.edge);
}

export function edgeLabel(e: GraphEdge, now = Date.now()): string {
  const w = e.window;
  if (w) {
    if (w.count === 0) return `${e.relation} · idle ${formatAgo(now - e.lastSeen)}`;
    const werr = w.errors ? ` · ${formatPercent(w.errors, w.count)} err` : '';
    return `${e.relation} · ${formatRate(w.ratePerSec)}${werr} · p95 ${formatMs(w.p95Ms)}`;
  }
  const rate = formatRate(ratePerSecond(e.count, e.firstSeen, e.lastSeen));
  const errors = e.errors ? ` · ${formatPercent(e.errors, e.count)} err` : '';
  return `${e.relation} · ${rate}${errors} · p95 ${formatMs(e.p95Ms)}`;
}

const KIND_NAMES: Record<NodeKind, string> = { service: 'service', database: 'database', queue: 'queue', external: 'external peer' };

/** Built on demand (SVG nodes, keyboard announcements): thousands of them are never read on canvas. */
export function ariaLabel(n: GraphNode): string {
  return `${KIND_NAMES[n.kind] ?? n.kind} ${n.name}${n.system ? ` (${n.system})` : ''}, ${n.spanCount} spans, ${n.errorCount} errors`;
}

/** The small line under a node's name: its system, unless the name already starts with it (`redis cache db 0`). */
export function systemLine(n: GraphNode): string {
  return n.system && !n.name.startsWith(`${n.system} `) && n.name !== n.system ? n.system : '';
}

/** A node's tooltip: its name and kind, then the attributes that named it (issue 14 item 4). */
export function nodeTooltip(n: GraphNode): string {
  const lines = [`${n.name} — ${KIND_NAMES[n.kind] ?? n.kind}`];
  const named = Object.entries(n.namedBy ?? {});
  if (named.length) lines.push('named by:', ...named.map(([k, v]) => `  ${k} = ${v}`));
  return lines.join('\n');
}

export function buildScene(vis: VisibleGraph, isFresh: (id: string) => boolean, cmp: Comparison = NO_COMPARISON): Scene {
  const now = Date.now();
  const live: SceneEdge[] = vis.edges.map((e) => ({
    edge: e,
    health: e.window ? health(e.window.errors, e.window.count) : health(e.errors, e.count),
    fresh: isFresh(e.id),
    ...(e.window?.count === 0 ? { idle: true } : {}),
    width: Math.min(6, step(1.2 + Math.log10(1 + e.count) * 0.9, 4)),
    ...(cmp.added.has(e.id) ? { change: 'added' as const } : {}),
  }));
  return {
    nodes: vis.nodes.map((n) => {
      const idle = n.window?.count === 0;
      const h = n.window ? health(n.window.errors, n.window.count) : health(n.errorCount, n.spanCount);
      return { node: n, radius: nodeRadius(n), health: h, fresh: isFresh(n.id), label: idle ? `${n.name} · idle ${formatAgo(now - n.lastSeen)}` : n.name, ...(idle ? { idle } : {}) };
    }),
    edges: [...live, ...cmp.ghosts.map(ghostEdge)],
    edgeLabels: vis.edges.length <= EDGE_LABEL_LIMIT,
  };
}

/** A removed edge drawn between live nodes: no traffic of its own. */
function ghostEdge(r: RemovedEdge): SceneEdge {
  const edge: GraphEdge = { ...r, count: 0, errors: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, firstSeen: 0, lastSeen: 0, spanNames: [], scopes: [] };
  return { edge, health: 'ok', fresh: false, width: 1.2, change: 'removed' };
}

export interface MapSelection {
  kind: 'node' | 'edge';
  id: string;
}

export interface ZoomState {
  x: number;
  y: number;
  k: number;
}

export interface RendererEvents {
  select(selection: MapSelection): void;
  /** Arrow key pressed while a node has focus. */
  navigate(fromId: string, key: string): void;
}

/** The two ways the map is drawn (SVG for small graphs, canvas for large ones). */
export interface MapRenderer {
  readonly element: HTMLElement | SVGSVGElement;
  setScene(scene: Scene): void;
  setPositions(positions: ReadonlyMap<string, Point>): void;
  setTransform(t: ZoomState): void;
  setSelection(selection: MapSelection | null): void;
  focusNode(id: string): void;
  /** Draws pending changes now (called from inside an animation frame, saving a frame of latency). */
  flush(): void;
}
