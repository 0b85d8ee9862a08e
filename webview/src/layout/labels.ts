// Where the map's text goes so that no label covers another label or a node. Greedy, by
// priority: the selection first, then busier nodes and edges. A node label tries below, above,
// right and left of its shape; an edge label tries points along its own curve, middle first.
// A label with no free place is left out (the node or edge keeps its tooltip and ARIA label, and
// selecting it brings the label back first in line). Pure; graph coordinates throughout.

import { pointAt, type EdgeRoute } from './edgeRoutes';
import type { Point } from './placement';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface NodeLabelInput {
  id: string;
  at: Point;
  /** Half-extent of the node's shape (queues are wider than tall: halfWidth >= radius). */
  halfWidth: number;
  halfHeight: number;
  width: number;
  height: number;
  priority: number;
}

export interface EdgeLabelInput {
  id: string;
  route: EdgeRoute;
  width: number;
  height: number;
  priority: number;
}

export interface LabelPlacement {
  /** Label boxes by node id; a node missing here shows no label. */
  nodes: Map<string, Box>;
  /** Label boxes by edge id; an edge missing here shows no label. */
  edges: Map<string, Box>;
}

const GAP = 3;
const EDGE_STOPS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];
/** Offsets across the curve, in label half-heights: on it, then beside it. */
const EDGE_SIDES = [0, 1, -1, 2, -2];
const CELL = 64;

export interface PlaceOptions {
  /**
   * Node labels may cover other nodes' shapes (never text, never their own node): where nodes
   * are packed closer than a name is wide (the canvas renderer's thousand-node maps), no name
   * would fit otherwise. Edge labels still keep clear of every shape.
   */
  nodeLabelsOverShapes?: boolean;
}

/**
 * Places node labels, then edge labels, around the node shapes (which are obstacles too) and
 * any boxes already taken (`obstacles`: labels drawn earlier that stay where they are, or the
 * frame around the part in view).
 */
export function placeLabels(nodes: readonly NodeLabelInput[], edges: readonly EdgeLabelInput[], obstacles: readonly Box[] = [], options: PlaceOptions = {}): LabelPlacement {
  const grid = new BoxGrid();
  for (const b of obstacles) grid.add(b);
  const shape = (n: NodeLabelInput): Box => ({ x0: n.at.x - n.halfWidth, y0: n.at.y - n.halfHeight, x1: n.at.x + n.halfWidth, y1: n.at.y + n.halfHeight });
  if (!options.nodeLabelsOverShapes) for (const n of nodes) grid.add(shape(n));
  const placedNodes = new Map<string, Box>();
  for (const n of [...nodes].sort(byPriority)) {
    const box = nodeCandidates(n).find((b) => !grid.hits(b));
    if (!box) continue;
    grid.add(box);
    placedNodes.set(n.id, box);
  }
  if (options.nodeLabelsOverShapes) for (const n of nodes) grid.add(shape(n));
  const placedEdges = new Map<string, Box>();
  for (const e of [...edges].sort(byPriority)) {
    const box = edgeCandidates(e).find((b) => !grid.hits(b));
    if (!box) continue;
    grid.add(box);
    placedEdges.set(e.id, box);
  }
  return { nodes: placedNodes, edges: placedEdges };
}

function byPriority(a: { priority: number; id: string }, b: { priority: number; id: string }): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function nodeCandidates(n: NodeLabelInput): Box[] {
  const { x, y } = n.at;
  const w = n.width;
  const h = n.height;
  return [
    { x0: x - w / 2, y0: y + n.halfHeight + GAP, x1: x + w / 2, y1: y + n.halfHeight + GAP + h },
    { x0: x - w / 2, y0: y - n.halfHeight - GAP - h, x1: x + w / 2, y1: y - n.halfHeight - GAP },
    { x0: x + n.halfWidth + GAP * 2, y0: y - h / 2, x1: x + n.halfWidth + GAP * 2 + w, y1: y + h / 2 },
    { x0: x - n.halfWidth - GAP * 2 - w, y0: y - h / 2, x1: x - n.halfWidth - GAP * 2, y1: y + h / 2 },
  ];
}

/** Points along the curve, each on the curve first and then just beside it on either side. */
function edgeCandidates(e: EdgeLabelInput): Box[] {
  const { start, end } = e.route;
  const len = Math.hypot(end.x - start.x, end.y - start.y) || 1;
  const nx = -(end.y - start.y) / len;
  const ny = (end.x - start.x) / len;
  const boxes: Box[] = [];
  for (const t of EDGE_STOPS) {
    const p = pointAt(e.route, t);
    for (const side of EDGE_SIDES) {
      const x = p.x + nx * side * (e.height / 2 + 2);
      const y = p.y + ny * side * (e.height / 2 + 2);
      boxes.push({ x0: x - e.width / 2, y0: y - e.height / 2, x1: x + e.width / 2, y1: y + e.height / 2 });
    }
  }
  return boxes;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** A uniform grid of boxes: collision checks look only at the cells a box covers. */
class BoxGrid {
  private readonly cells = new Map<string, Box[]>();

  add(b: Box): void {
    this.forCells(b, (key) => {
      const list = this.cells.get(key);
      if (list) list.push(b);
      else this.cells.set(key, [b]);
      return false;
    });
  }

  hits(b: Box): boolean {
    return this.forCells(b, (key) => (this.cells.get(key) ?? []).some((o) => overlaps(o, b)));
  }

  /** Calls fn for each covered cell until it returns true; returns whether it did. */
  private forCells(b: Box, fn: (key: string) => boolean): boolean {
    const cx0 = Math.floor(b.x0 / CELL);
    const cx1 = Math.floor(b.x1 / CELL);
    const cy0 = Math.floor(b.y0 / CELL);
    const cy1 = Math.floor(b.y1 / CELL);
    for (let cx = cx0; cx <= cx1; cx++) for (let cy = cy0; cy <= cy1; cy++) if (fn(`${cx},${cy}`)) return true;
    return false;
  }
}
